"""API tokens, one-time sign-in links and the quick phone login."""

from __future__ import annotations

import pickle
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.access import ensure_can
from safeloop.platform.errors import field_error
from safeloop.tenants.accounts.models import ApiToken, SignInLink, hash_secret
from safeloop.tenants.accounts.permissions import AccountPerm
from safeloop.tenants.accounts.throttles import pin_login_wait, record_pin_failure
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Person
from safeloop.tenants.facilities.permissions import FacilityPerm

TOKEN_PREFIX = "slk_"


@transaction.atomic
def create_api_token(*, by, name: str) -> tuple[ApiToken, str]:
    """Return the token row and the secret, which is never shown again."""
    ensure_can(by, AccountPerm.MANAGE_API_TOKENS)
    name = (name or "").strip()
    if not name:
        raise field_error("name", _("Give the token a name."), "required")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(30)
    token = ApiToken.objects.create(
        user=by, name=name[:80], prefix=secret[:12], key_hash=hash_secret(secret)
    )
    record_event(token, "api_token.created", by=by, name=token.name)
    return token, secret


@transaction.atomic
def revoke_api_token(token: ApiToken, *, by) -> None:
    if token.user_id != by.pk:
        ensure_can(by, FacilityPerm.MANAGE_PEOPLE)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_event(token, "api_token.revoked", by=by)


# (schema, key hash) → (monotonic expiry, the pickled user with their person). Each
# web process keeps the holders of the tokens it saw for SAFELOOP_API_TOKEN_CACHE_SECONDS,
# so an integration polling with one token costs no query for it. Bounded: the oldest
# entry goes first.
_token_users: dict[tuple[str, str], tuple[float, bytes]] = {}
TOKEN_CACHE_SIZE = 1024


def user_for_api_token(secret: str):
    """The active holder of an unrevoked token (with their person), else None.

    A revocation, or any change to a token, user or person, takes effect at once in
    this process and within SAFELOOP_API_TOKEN_CACHE_SECONDS in every other one.
    """
    if not secret.startswith(TOKEN_PREFIX):
        return None
    key = (connection.schema_name, hash_secret(secret))
    now = time.monotonic()
    hit = _token_users.get(key)
    if hit is not None and hit[0] > now:
        # A fresh copy per request: views may change request.user.
        return pickle.loads(hit[1])
    token = (
        # The person too: every resolver's permission check reads it.
        ApiToken.objects.select_related("user__person")
        .filter(key_hash=key[1], revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        _token_users.pop(key, None)
        return None
    used = timezone.now()
    if token.last_used_at is None or used - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=used)
    ttl = settings.SAFELOOP_API_TOKEN_CACHE_SECONDS
    if ttl > 0:
        while len(_token_users) >= TOKEN_CACHE_SIZE:
            _token_users.pop(next(iter(_token_users)), None)
        _token_users[key] = (now + ttl, pickle.dumps(token.user))
    return token.user


def forget_api_tokens(**_kwargs) -> None:
    """Drop this process's remembered token holders (a token, user or person changed)."""
    _token_users.clear()


for _model in (ApiToken, get_user_model(), Person):
    post_save.connect(forget_api_tokens, sender=_model, dispatch_uid=f"tokens-{_model.__name__}")
    post_delete.connect(
        forget_api_tokens, sender=_model, dispatch_uid=f"tokens-del-{_model.__name__}"
    )


def create_signin_link(user, *, next_url: str = "/") -> str:
    """Return the secret for a one-time link valid for SAFELOOP_SIGNIN_LINK_SECONDS."""
    secret = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        user=user,
        key_hash=hash_secret(secret),
        next_url=next_url,
        expires_at=timezone.now() + timedelta(seconds=settings.SAFELOOP_SIGNIN_LINK_SECONDS),
    )
    return secret


@transaction.atomic
def consume_signin_link(secret: str):
    """Return (user, next_url) once; None when the link is unknown, used or expired."""
    link = (
        SignInLink.objects.select_for_update()
        .select_related("user")
        .filter(key_hash=hash_secret(secret))
        .first()
    )
    if link is None or not link.is_usable or not link.user.is_active:
        return None
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    record_event(link.user, "signin_link.used", by=link.user)
    return link.user, link.next_url


class QuickLoginError(Exception):
    def __init__(self, message: str, code: str, retry_after: int = 0):
        super().__init__(message)
        self.message = message
        self.code = code
        self.retry_after = retry_after


def quick_login(request: HttpRequest, employee_no: str, pin: str, *, remembered_device: bool):
    """Check an employee number + PIN; lock the PIN after too many failures.

    Failures from one address across many employee numbers are slowed
    (``safeloop.tenants.accounts.throttles``); a phone that remembers its worker is not.
    """
    wait = pin_login_wait(request, remembered_device=remembered_device)
    if wait:
        raise QuickLoginError(
            _("Too many wrong PINs from this network. Wait %(seconds)d seconds and try again.")
            % {"seconds": wait},
            "throttled",
            retry_after=wait,
        )
    user, error = _check_quick_login(employee_no, pin)
    if error is not None:
        record_pin_failure(request, remembered_device=remembered_device)
        # Raised only after the transaction has committed the failure count:
        # raising inside it would roll the count back and the PIN would never lock.
        raise error
    return user


@transaction.atomic
def _check_quick_login(employee_no: str, pin: str) -> tuple[object, QuickLoginError | None]:
    from safeloop.tenants.facilities.services import check_pin

    person = (
        Person.objects.select_for_update()
        .select_related("user")
        .filter(employee_no__iexact=(employee_no or "").strip())
        .first()
    )
    if person is None or not person.user.is_active or not person.pin_hash:
        return None, QuickLoginError(_("Unknown employee number or PIN."), "invalid")
    if person.pin_failures >= settings.SAFELOOP_PIN_MAX_FAILURES:
        return None, QuickLoginError(
            _("This PIN is locked after too many attempts. Ask your safety officer to reset it."),
            "locked",
        )
    if not check_pin(person, (pin or "").strip()):
        person.pin_failures += 1
        person.save(update_fields=["pin_failures"])
        record_event(person, "quick_login.failed", by=None)
        return None, QuickLoginError(_("Unknown employee number or PIN."), "invalid")
    if person.pin_failures:
        person.pin_failures = 0
        person.save(update_fields=["pin_failures"])
    return person.user, None
