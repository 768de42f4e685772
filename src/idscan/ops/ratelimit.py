"""Rate limits (per credential, per verification link): in memory for one node, Redis to share them
between nodes."""

from __future__ import annotations

import math
import time

import redis.asyncio
from limits import parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from idscan.errors import RateLimitedError


class RateLimiter:
    def __init__(self, limit: str, redis_url: str | None = None) -> None:
        self._item = parse(limit)
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

    async def hit(self, key: str, detail: str | None = None) -> None:
        if await self._limiter.hit(self._item, key):
            return
        stats = await self._limiter.get_window_stats(self._item, key)
        raise RateLimitedError(retry_after=math.ceil(stats.reset_time - time.time()), detail=detail)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
