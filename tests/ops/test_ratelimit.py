"""Rate limits over Redis: a burst waits for a pooled connection; a store that is gone answers 503."""

from __future__ import annotations

import asyncio
import socket

import pytest

from idscan.errors import RateLimitedError, ServiceUnavailableError
from idscan.ops.ratelimit import MAX_CONNECTIONS, RateLimiter


def test_a_burst_larger_than_the_pool_waits_for_connections(redis_url: str) -> None:
    """redis-py's plain pool raised MaxConnectionsError past its 100 connections: 200 clients at
    once got 500s in the soak test. Five times the pool at once must all be counted.

    The waits are generous: this is about the pool queueing the burst, not about how fast a busy
    machine answers (CI once took over 2 s to open 64 connections beside the rest of the suite)."""

    async def burst() -> None:
        limiter = RateLimiter(
            {"credential": "10000/minute", "tight": "3/minute"},
            redis_url,
            pool_wait_seconds=60.0,
            socket_timeout_seconds=30.0,
        )
        try:
            hits = (limiter.hit("credential", f"k{i % 7}") for i in range(5 * MAX_CONNECTIONS))
            await asyncio.gather(*hits)
            for _ in range(3):  # and the limits still count
                await limiter.hit("tight", "one key")
            with pytest.raises(RateLimitedError):
                await limiter.hit("tight", "one key")
        finally:
            await limiter.close()

    asyncio.run(burst())


def test_an_unreachable_store_is_a_503_not_a_crash_nor_a_free_pass() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    async def hit() -> None:
        limiter = RateLimiter({"credential": "5/minute"}, f"redis://127.0.0.1:{port}/0")
        try:
            await limiter.hit("credential", "key")
        finally:
            await limiter.close()

    with pytest.raises(ServiceUnavailableError):
        asyncio.run(hit())
