"""Who is asking (the client's address) and how often: the counters behind every throttle.

The counting is django-ratelimit's (fixed windows in the shared cache, atomic
increments, so parallel requests cannot all slip under a limit). What is
counted, and when, is each flow's own rule: signup here in the platform,
sign-in in ``safeloop.tenants.accounts.throttles``.

A throttle protects the service; it must not take it down. When the cache
cannot answer (Redis down or frozen) every check lets the request through and
logs it (``RATELIMIT_FAIL_OPEN``).
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

log = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
SLUG_CHECK_RATES = ("60/m",)


@cache
def _trusted_proxies(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _trusted_proxies(tuple(settings.SAFELOOP_TRUSTED_PROXIES)))


def client_ip(request: HttpRequest) -> str:
    """The address of the client, as far as this installation can trust it.

    ``REMOTE_ADDR`` unless it is one of ``SAFELOOP_TRUSTED_PROXIES``; then
    ``X-Forwarded-For`` is read from the right (each proxy appends the
    address it saw) and the first hop that is not a trusted proxy is the
    client. Anything left of that hop was written by the client and could be
    anything, so it is never used.
    """
    remote = request.META.get("REMOTE_ADDR") or ""
    if not _is_trusted_proxy(remote):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted_proxy(hop):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                break  # a garbled header: fall back to the proxy itself
    return remote


def client_network(request: HttpRequest) -> str:
    """What the throttles count by: the client's address, or its /64 for IPv6, since one
    household or site is handed a whole /64 and could take a fresh address per request."""
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return address


@dataclass(frozen=True)
class Verdict:
    """The answer of a throttle: refused or not, and in how many seconds to try again."""

    refused: bool
    retry_after: int = 0

    @classmethod
    def allow(cls) -> Verdict:
        return cls(refused=False)


def _usage(request: HttpRequest, *, group: str, key: str, rate: str, increment: bool):
    try:
        usage = get_usage(
            request, group=group, key=lambda _group, _request: key, rate=rate, increment=increment
        )
    except Exception:  # the cache is down: the Redis client raises, the throttle gives way
        log.warning("throttle %s skipped: the cache did not answer", group, exc_info=True)
        return None
    if usage is None and getattr(settings, "RATELIMIT_ENABLE", True):
        log.warning("throttle %s skipped: the cache did not answer", group)
    return usage


def hit(request: HttpRequest, *, group: str, key: str, rates: Sequence[str]) -> Verdict:
    """Count one attempt against every rate; refused when any of them is now exceeded."""
    return _verdict(request, group=group, key=key, rates=rates, increment=True)


def peek(request: HttpRequest, *, group: str, key: str, rates: Sequence[str]) -> Verdict:
    """Refused when any rate is already used up, without counting this request."""
    return _verdict(request, group=group, key=key, rates=rates, increment=False)


def count_one(request: HttpRequest, *, group: str, key: str, window: str) -> int:
    """Count one more for ``key`` in the current ``window`` ("10m") and return the total;
    0 when the cache cannot say."""
    usage = _usage(request, group=group, key=key, rate=f"1/{window}", increment=True)
    return usage["count"] if usage else 0


def _verdict(
    request: HttpRequest, *, group: str, key: str, rates: Sequence[str], increment: bool
) -> Verdict:
    waits = []
    for rate in rates:
        usage = _usage(request, group=group, key=key, rate=rate, increment=increment)
        if usage is None:
            continue
        # Counting: the attempt just counted may be the last allowed one.
        # Peeking: the next attempt would be one more than those counted.
        used_up = usage["count"] > usage["limit"] if increment else usage["count"] >= usage["limit"]
        if used_up:
            waits.append(max(usage["time_left"], 1))
    return Verdict(refused=True, retry_after=max(waits)) if waits else Verdict.allow()


def _wait_key(group: str, key: str) -> str:
    return f"{settings.RATELIMIT_CACHE_PREFIX}wait:{group}:{key}"


def impose_wait(group: str, key: str, seconds: int) -> None:
    """No attempt for ``key`` in ``group`` is allowed during the next ``seconds``."""
    try:
        caches[settings.RATELIMIT_USE_CACHE].set(
            _wait_key(group, key), time.time() + seconds, timeout=seconds
        )
    except Exception:
        log.warning("throttle %s: could not store a wait", group, exc_info=True)


def remaining_wait(group: str, key: str) -> int:
    """Seconds until the wait imposed on ``key`` ends; 0 when there is none."""
    try:
        until = caches[settings.RATELIMIT_USE_CACHE].get(_wait_key(group, key))
    except Exception:
        log.warning("throttle %s skipped: the cache did not answer", group, exc_info=True)
        return 0
    if until is None:
        return 0
    return max(0, int(until - time.time() + 0.999))


def describe_wait(seconds: int) -> str:
    """How long to wait, in words a person reads: "3 minutes", "1 hour"."""
    if seconds < 60:
        return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    if seconds < 2 * 3600:
        minutes = -(-seconds // 60)
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    hours = -(-seconds // 3600)
    return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}


def count_signup(request: HttpRequest) -> Verdict:
    """One more new enterprise from this client (``SAFELOOP_SIGNUP_RATES``, e.g. 3 per 10 min
    and 10 a day): every enterprise is a schema, so a script must not make thousands.
    Counted only for signups that passed validation, so typos cost nothing."""
    return hit(
        request, group="signup", key=client_network(request), rates=settings.SAFELOOP_SIGNUP_RATES
    )


def count_slug_check(request: HttpRequest) -> Verdict:
    """The live sub-domain hint asks once per pause in typing; far more is a script
    listing who the customers are."""
    return hit(
        request, group="signup.check_slug", key=client_network(request), rates=SLUG_CHECK_RATES
    )


def count_gate_registration(request: HttpRequest) -> Verdict:
    """One more registration posted through a gate link (``SAFELOOP_GATE_RATES``): the
    link is public, and each answer says whether an ID number is registered."""
    return hit(
        request,
        group="gate.register",
        key=client_network(request),
        rates=settings.SAFELOOP_GATE_RATES,
    )
