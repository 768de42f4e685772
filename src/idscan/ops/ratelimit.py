"""Rate limits (per credential, per verification link): in memory for one node, Redis to share them
between nodes."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping

import redis.asyncio
from limits import parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from idscan.errors import RateLimitedError, ServiceUnavailableError

# Connections to Redis per process, and how long a request waits for one. redis-py's plain pool
# raises the moment its connections are all in use: a burst of 200 clients got 500s.
MAX_CONNECTIONS = 64
POOL_WAIT_SECONDS = 5.0
SOCKET_TIMEOUT_SECONDS = 2.0


class RateLimiter:
    """Named limits (`{"credential": "100/second"}`) over one store: one Redis pool per node."""

    def __init__(
        self,
        limits: Mapping[str, str],
        redis_url: str | None = None,
        *,
        pool_wait_seconds: float = POOL_WAIT_SECONDS,
        socket_timeout_seconds: float = SOCKET_TIMEOUT_SECONDS,
    ) -> None:
        self._items = {name: parse(spec) for name, spec in limits.items()}
        storage: Storage
        if redis_url:
            # Our own pool, so that shutdown can close its connections.
            self._pool: redis.asyncio.ConnectionPool | None = redis.asyncio.BlockingConnectionPool.from_url(
                redis_url,
                max_connections=MAX_CONNECTIONS,
                timeout=pool_wait_seconds,
                socket_timeout=socket_timeout_seconds,
                socket_connect_timeout=socket_timeout_seconds,
            )
            storage = RedisStorage(
                redis_url.replace("redis://", "async+redis://", 1),
                implementation="redispy",
                wrap_exceptions=True,  # a Redis failure arrives as limits' StorageError
                connection_pool=self._pool,  # type: ignore[arg-type]  # typed as str options, passed through
            )
        else:
            self._pool = None
            storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(storage)

    async def hit(self, limit: str, key: str, detail: str | None = None) -> None:
        item = self._items[limit]
        try:
            # The limit's name in the key: a credential and a link never share a window.
            if await self._limiter.hit(item, limit, key):
                return
            stats = await self._limiter.get_window_stats(item, limit, key)
        except StorageError as exc:
            # Closed, not open: a limit that cannot be counted is not lifted. 503, so clients retry.
            raise ServiceUnavailableError("The rate limiter's store is not reachable.") from exc
        raise RateLimitedError(retry_after=math.ceil(stats.reset_time - time.time()), detail=detail)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
