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

from idscan.errors import RateLimitedError


class RateLimiter:
    """Named limits (`{"credential": "100/second"}`) over one store: one Redis pool per node."""

    def __init__(self, limits: Mapping[str, str], redis_url: str | None = None) -> None:
        self._items = {name: parse(spec) for name, spec in limits.items()}
        storage: Storage
        if redis_url:
            # Our own pool, so that shutdown can close its connections.
            self._pool: redis.asyncio.ConnectionPool | None = redis.asyncio.ConnectionPool.from_url(redis_url)
            storage = RedisStorage(
                redis_url.replace("redis://", "async+redis://", 1),
                implementation="redispy",
                connection_pool=self._pool,  # type: ignore[arg-type]  # typed as str options, passed through
            )
        else:
            self._pool = None
            storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(storage)

    async def hit(self, limit: str, key: str, detail: str | None = None) -> None:
        item = self._items[limit]
        # The limit's name in the key: a credential and a link never share a window.
        if await self._limiter.hit(item, limit, key):
            return
        stats = await self._limiter.get_window_stats(item, limit, key)
        raise RateLimitedError(retry_after=math.ceil(stats.reset_time - time.time()), detail=detail)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
