"""Resident ID numbers at rest: encrypted, matched by a keyed hash, shown masked.

The one place that touches a clear ID number (PIPL: personal information,
"sensitive" for a minor). A worker row holds three columns, written together
by :func:`protect`:

* ``id_number_token`` — Fernet (AES-128-CBC + HMAC-SHA256) under
  ``settings.SAFELOOP_PII_KEY``; old keys in ``SAFELOOP_PII_KEY_FALLBACKS`` still
  decrypt (MultiFernet), so the key can rotate.
* ``id_number_hash`` — HMAC-SHA256 under the separate ``SAFELOOP_PII_HASH_KEY``:
  the same person registering twice finds the first row, while a stolen dump
  cannot be brute-forced back to numbers without the key (an ID number has only
  ~10^10 likely values, so a plain hash would be).
* ``id_number_masked`` — ``110***********1234``, what everybody without the
  contractor-manage permission sees; storing it means pages and lists never
  decrypt.

:class:`IdNumber` carries a clear number through a service and refuses to show
it in ``str``/``repr`` (a log line or a traceback prints ``IdNumber(110***…1234)``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from safeloop.contractors.validators import id_check_char


def mask(number: str) -> str:
    """``110105199001011234`` → ``110***********1234``: region kept, birth date hidden."""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


# An 18-character resident ID number inside a longer text: a special operation
# certificate's number is, by the rules, usually "T" + the holder's ID number.
_EMBEDDED_ID = re.compile(r"(?<![0-9])([1-9][0-9]{16}[0-9Xx])(?![0-9A-Za-z])")


def mask_embedded_ids(text: str) -> str:
    """Mask every valid ID number inside ``text`` (``T110105199001011234`` →
    ``T110***********1234``), so a certificate number shown to people who may not read
    ID numbers does not give one away; other numbers are left as they are."""

    def hide(match: re.Match) -> str:
        number = match.group(1).upper()
        return mask(number) if id_check_char(number[:17]) == number[17] else match.group(1)

    return _EMBEDDED_ID.sub(hide, text or "")


@lru_cache(maxsize=4)
def _fernet(key: str, fallbacks: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in (key, *fallbacks)])


def _cipher() -> MultiFernet:
    return _fernet(settings.SAFELOOP_PII_KEY, tuple(settings.SAFELOOP_PII_KEY_FALLBACKS))


def keyed_hash(number: str) -> str:
    """The duplicate-matching hash of a normalised ID number (64 hex digits)."""
    key = settings.SAFELOOP_PII_HASH_KEY.encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def encrypt(number: str) -> str:
    return _cipher().encrypt(number.encode()).decode("ascii")


class UndecryptableError(Exception):
    """The stored token was written under a key this process does not hold."""


def decrypt(token: str) -> str:
    try:
        return _cipher().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        raise UndecryptableError(
            "A stored ID number does not decrypt: is SAFELOOP_PII_KEY (or a fallback) right?"
        ) from None


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A clear, validated ID number on its way through a service; never printed."""

    value: str

    @property
    def masked(self) -> str:
        return mask(self.value)

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"IdNumber({self.masked})"


@dataclass(frozen=True, slots=True)
class ProtectedId:
    """The three stored columns of one ID number."""

    token: str
    hash: str
    masked: str


def protect(number: IdNumber) -> ProtectedId:
    return ProtectedId(
        token=encrypt(number.value), hash=keyed_hash(number.value), masked=number.masked
    )
