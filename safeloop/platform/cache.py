"""The Redis cache, made to fail soft and fast: an unreachable Redis is an empty cache.

django-redis with ``IGNORE_EXCEPTIONS`` turns a Redis error into a cache miss
(logged). Two things remain that this module adds:

* **A breaker.** A hung Redis costs the socket timeout on every cache call, and
  a page makes several. After one failure, connections to that server fail at
  once for ``BREAK_SECONDS``; then one call tries again.
* **add() says yes when nothing can be stored.** ``cache.add`` is the lock of
  allauth's rate limits (and of counters like django-ratelimit's): a miss there
  would read "locked" and turn every e-mail sign-in into 429 while Redis is out.
  With no cache nothing can be counted, so nothing is limited (the per-person
  PIN lock lives in the database and holds).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.connection import Connection, ConnectionPool
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("safeloop.cache")

BREAK_SECONDS = 5.0
_FAILURES = (RedisConnectionError, RedisTimeoutError)


class _Breaker:
    """Per process: until when each Redis address is taken to be out."""

    def __init__(self) -> None:
        self._open_until: dict[tuple[str, int], float] = {}
        self._lock = threading.Lock()

    def is_open(self, address: tuple[str, int]) -> bool:
        return time.monotonic() < self._open_until.get(address, 0.0)

    def trip(self, address: tuple[str, int], error: Exception) -> None:
        with self._lock:
            already = self.is_open(address)
            self._open_until[address] = time.monotonic() + BREAK_SECONDS
        if not already:
            logger.warning(
                "Redis %s:%s unreachable (%s); the cache is skipped for %.0f s",
                *address,
                error,
                BREAK_SECONDS,
            )

    def reset(self) -> None:
        with self._lock:
            self._open_until.clear()


breaker = _Breaker()


class BreakerConnection(Connection):
    """A redis-py connection that stops trying a server which just failed."""

    def _address(self) -> tuple[str, int]:
        return (self.host, self.port)

    def connect(self) -> None:
        if self._sock is None and breaker.is_open(self._address()):
            raise RedisConnectionError(f"Redis {self.host}:{self.port} is out (breaker open)")
        try:
            super().connect()
        except _FAILURES as exc:
            breaker.trip(self._address(), exc)
            raise

    def send_packed_command(self, *args: Any, **kwargs: Any) -> None:
        # An idle pooled connection to a server that just failed would send into a
        # frozen socket and wait the timeout: each such connection once per page (a
        # 2 s QR page with sessions in the cache). Drop it, and connect() fails at once.
        if breaker.is_open(self._address()):
            self.disconnect()
            raise RedisConnectionError(f"Redis {self.host}:{self.port} is out (breaker open)")
        super().send_packed_command(*args, **kwargs)

    def read_response(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().read_response(*args, **kwargs)
        except _FAILURES as exc:
            breaker.trip(self._address(), exc)
            raise


class BreakerConnectionPool(ConnectionPool):
    """django-redis' CONNECTION_POOL_CLASS: plain TCP connections get the breaker."""

    def __init__(self, connection_class: type = Connection, **kwargs: Any) -> None:
        if connection_class is Connection:
            connection_class = BreakerConnection
        super().__init__(connection_class=connection_class, **kwargs)


class FailSoftRedisCache(RedisCache):
    """django-redis' cache whose add() succeeds when Redis cannot be reached (see above)."""

    def add(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return self.client.add(*args, **kwargs)
        except ConnectionInterrupted as exc:
            if not self._ignore_exceptions:
                raise
            logger.info("cache.add without Redis (%s): taken as added", exc.__cause__ or exc)
            return True
