"""How fast sign-in attempts may fail: one rule for the e-mail login, one for the PIN.

A factory often reaches SafeLoop from one public address (one NAT for the whole
site), so nothing here may let one person's typos lock out everyone else at
that address. Counters are per enterprise (the cache's keys carry the schema)
and live in the shared cache; when it is down, sign-in goes on (fail open,
logged) and only the per-person PIN lock, kept in the database, still holds.

E-mail login (password) — failures are counted three ways, the first refusal
wins, and a correct password never counts:

* per account and address, ``5/5m``: the person who mistypes (or someone
  guessing their password from one place) waits; their colleagues at the same
  address do not;
* per account, ``20/15m``: guessing one account from many addresses;
* per address, ``60/10m``: a generous ceiling against spraying one password
  over many accounts; far above what one shift's typos add up to.

PIN login (employee number + PIN, four digits) — the per-person lock after
``SAFELOOP_PIN_MAX_FAILURES`` wrong PINs stays (in the database). Per address,
the first ``PIN_FREE_FAILURES`` failed PINs in a window of ``PIN_WINDOW``
cost nothing; after that each failure imposes a wait on the next attempt from
that address, doubling each time (2 s, 4 s, 8 s … at most
``PIN_MAX_WAIT_SECONDS``), during which PINs from that address are refused
unchecked (HTTP 429, with the seconds to wait). That is what slows guessing
"1234" across every employee number. A phone that remembers its worker (the
signed device cookie, set by that worker's own successful sign-in) can only
ever try that one worker's PIN, which the per-person lock already guards: its
attempts are neither slowed nor counted, so the shop floor's own phones keep
working while someone at the same address is being slowed.
"""

from __future__ import annotations

from django.http import HttpRequest

from safeloop.platform.throttle import (
    Verdict,
    client_network,
    count_one,
    hit,
    impose_wait,
    peek,
    remaining_wait,
)

PIN_GROUP = "quick_login.failed_from_address"
PIN_WINDOW = "10m"
PIN_FREE_FAILURES = 10
PIN_MAX_WAIT_SECONDS = 300

# (group, rates, what the counter is keyed on)
_EMAIL_LIMITS = (
    ("login_failed.account_address", ("5/5m",), "account_address"),
    ("login_failed.account", ("20/15m",), "account"),
    ("login_failed.address", ("60/10m",), "address"),
)


def _email_keys(request: HttpRequest, login: str) -> dict[str, str]:
    account = (login or "").strip().lower()
    address = client_network(request)
    return {"account_address": f"{address}|{account}", "account": account, "address": address}


def email_login_verdict(request: HttpRequest, login: str) -> Verdict:
    """Whether a password for ``login`` may be checked now (nothing is counted)."""
    keys = _email_keys(request, login)
    verdicts = [
        peek(request, group=group, key=keys[keyed_on], rates=rates)
        for group, rates, keyed_on in _EMAIL_LIMITS
    ]
    return _first_refusal(verdicts)


def record_email_login_failure(request: HttpRequest, login: str) -> None:
    keys = _email_keys(request, login)
    for group, rates, keyed_on in _EMAIL_LIMITS:
        hit(request, group=group, key=keys[keyed_on], rates=rates)


def _first_refusal(verdicts: list[Verdict]) -> Verdict:
    refused = [v for v in verdicts if v.refused]
    return max(refused, key=lambda v: v.retry_after) if refused else Verdict.allow()


def pin_login_wait(request: HttpRequest, *, remembered_device: bool) -> int:
    """Seconds before this client may try a PIN; 0 when it may now."""
    if remembered_device:
        return 0
    return remaining_wait(PIN_GROUP, client_network(request))


def record_pin_failure(request: HttpRequest, *, remembered_device: bool) -> None:
    if remembered_device:
        return
    address = client_network(request)
    failures = count_one(request, group=PIN_GROUP, key=address, window=PIN_WINDOW)
    if failures >= PIN_FREE_FAILURES:
        excess = failures - PIN_FREE_FAILURES + 1
        impose_wait(PIN_GROUP, address, min(2**excess, PIN_MAX_WAIT_SECONDS))
