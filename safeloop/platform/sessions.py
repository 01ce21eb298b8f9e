"""Sessions read from the cache and kept in the database, with a short life in the cache.

Django's cached_db engine caches a session for as long as it is valid (two weeks
here). A sign-out while Redis is unreachable deletes the database row but cannot
delete the cached copy, which would then sign the person in again when Redis is
back. Capping the cached copy's life at SAFELOOP_SESSION_CACHE_SECONDS bounds that
to a few minutes; a miss costs one database read, as without the cache.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import cached_db


class _ShortLived:
    """The session cache, with every entry's timeout capped."""

    def __init__(self, cache: Any) -> None:
        self._cache = cache

    def _cap(self, timeout: int | None) -> int:
        seconds = settings.SAFELOOP_SESSION_CACHE_SECONDS
        return seconds if timeout is None else min(timeout, seconds)

    def set(self, key: str, value: Any, timeout: int | None = None) -> None:
        self._cache.set(key, value, self._cap(timeout))

    async def aset(self, key: str, value: Any, timeout: int | None = None) -> None:
        await self._cache.aset(key, value, self._cap(timeout))

    def __contains__(self, key: str) -> bool:
        return key in self._cache

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cache, name)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = _ShortLived(self._cache)
