"""A plan's limits, checked by the services that create what they count.

Each service counts its own rows (the people service its employees, the device
service its devices) and asks :func:`ensure_within_limit` before it creates one
more; this module imports no app, so every app may use it. Nothing existing is
ever removed: a workspace over its limit (say, after moving to a smaller plan)
keeps everything and only cannot add more until it is under again.

Two requests racing for the last free place may both pass (the count is not
locked): a limit can be overshot by one, which nobody is harmed by.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from enum import StrEnum

from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from safeloop.platform.models import BillingPlan, Enterprise, Plan
from safeloop.platform.storage import files_of

log = logging.getLogger(__name__)
MB = 1024 * 1024
# Walking a tenant's files is not free: the measure is kept this long, and each file
# accepted meanwhile is added to it.
STORAGE_MEASURE_SECONDS = 300


class Limit(StrEnum):
    PEOPLE = "people"
    QR_POINTS = "qr_points"
    DEVICES = "devices"
    STORAGE_MB = "storage_mb"


LIMIT_FIELDS = {
    Limit.PEOPLE: "max_people",
    Limit.QR_POINTS: "max_qr_points",
    Limit.DEVICES: "max_devices",
    Limit.STORAGE_MB: "max_storage_mb",
}

PLAN_LIMIT_CODE = "plan_limit"


@dataclass(frozen=True)
class Usage:
    limit: Limit
    label: str
    used: int
    allowed: int

    @property
    def percent(self) -> int:
        if self.allowed <= 0:
            return 100
        return min(100, round(100 * self.used / self.allowed))

    @property
    def full(self) -> bool:
        return self.used >= self.allowed

    @property
    def used_text(self) -> str:
        return _megabytes(self.used) if self.limit == Limit.STORAGE_MB else str(self.used)

    @property
    def allowed_text(self) -> str:
        return _megabytes(self.allowed) if self.limit == Limit.STORAGE_MB else str(self.allowed)


def _megabytes(mb: int) -> str:
    """A size for people: 3 MB, 1.5 GB, 200 GB."""
    if mb < 1024:
        return f"{mb} MB"
    return f"{mb / 1024:.1f}".removesuffix(".0") + " GB"


def limit_labels() -> dict[Limit, str]:
    return {
        Limit.PEOPLE: _("People"),
        Limit.QR_POINTS: _("QR points"),
        Limit.DEVICES: _("IoT devices"),
        Limit.STORAGE_MB: _("File storage"),
    }


def current_plan(enterprise: Enterprise | None = None) -> BillingPlan | None:
    """The plan of ``enterprise`` (the current tenant by default), read afresh: a plan
    changed by a webhook in another process counts at once. None outside a tenant."""
    enterprise = enterprise or getattr(connection, "tenant", None)
    if enterprise is None or not getattr(enterprise, "pk", None):
        return None
    code = Enterprise.objects.filter(pk=enterprise.pk).values("plan")
    return BillingPlan.objects.filter(code__in=code).first()


def next_plan_up(plan: BillingPlan, limit: Limit) -> BillingPlan | None:
    """The first paid plan above ``plan`` that allows more of ``limit``."""
    field = LIMIT_FIELDS[limit]
    return (
        BillingPlan.objects.exclude(code=Plan.TRIAL)
        .filter(order__gt=plan.order, **{f"{field}__gt": getattr(plan, field)})
        .order_by("order")
        .first()
    )


def ensure_within_limit(limit: Limit, *, used: int, adding: int = 1) -> None:
    """Refuse (ValidationError, code ``plan_limit``) when ``used + adding`` passes the
    current enterprise's plan; the message says which limit and how to raise it."""
    plan = current_plan()
    if plan is None:
        return
    allowed = getattr(plan, LIMIT_FIELDS[limit])
    if used + adding <= allowed:
        return
    # Not any one field's: a form shows it above its fields, GraphQL with field null.
    raise ValidationError(
        {
            NON_FIELD_ERRORS: ValidationError(
                limit_message(plan, limit, allowed), code=PLAN_LIMIT_CODE
            )
        }
    )


def _storage_key(schema_name: str) -> str:
    return f"limits:storage-bytes:{schema_name}"


def storage_used_bytes(schema_name: str, *, fresh: bool = False) -> int:
    """The bytes of ``schema_name``'s files (photos, scans, lesson files: every key
    starts with the schema name), measured at most every few minutes; 0 when the
    storage cannot be read now (a hiccup there must not stop the page or the upload)."""
    key = _storage_key(schema_name)
    if not fresh:
        cached = cache.get(key)
        if cached is not None:
            return int(cached)
    try:
        _count, used = files_of(schema_name)
    except Exception:
        log.warning("could not measure the files of %s", schema_name, exc_info=True)
        return 0
    cache.set(key, used, STORAGE_MEASURE_SECONDS)
    return used


def ensure_storage_room(incoming_bytes: int, *, field: str | None = None) -> None:
    """Refuse a new document (a lesson file, a supplier's report, a licence scan) that
    would take the enterprise's files past its plan's storage, with the message of the
    other limits. Photos of hazards and inspections, signatures and gate photos are
    never refused: the callers that take those do not ask."""
    schema_name = getattr(connection, "schema_name", "public")
    if schema_name == "public" or incoming_bytes <= 0:
        return
    used = storage_used_bytes(schema_name)
    try:
        ensure_within_limit(
            Limit.STORAGE_MB, used=math.ceil((used + incoming_bytes) / MB), adding=0
        )
    except ValidationError as exc:
        if field is None:
            raise
        raise ValidationError(
            {field: ValidationError(exc.messages[0], code=PLAN_LIMIT_CODE)}
        ) from None
    cache.set(_storage_key(schema_name), used + incoming_bytes, STORAGE_MEASURE_SECONDS)


def limit_message(plan: BillingPlan, limit: Limit, allowed: int) -> str:
    bigger = next_plan_up(plan, limit)
    values = {"plan": plan.name, "limit": allowed, "next": bigger.name if bigger else ""}
    if bigger is not None:
        messages = {
            Limit.PEOPLE: _(
                "Your %(plan)s plan allows %(limit)d people; "
                "upgrade to %(next)s on the billing page."
            ),
            Limit.QR_POINTS: _(
                "Your %(plan)s plan allows %(limit)d QR points; "
                "upgrade to %(next)s on the billing page."
            ),
            Limit.DEVICES: _(
                "Your %(plan)s plan allows %(limit)d IoT devices; "
                "upgrade to %(next)s on the billing page."
            ),
            Limit.STORAGE_MB: _(
                "Your %(plan)s plan allows %(limit)d MB of files; "
                "upgrade to %(next)s on the billing page."
            ),
        }
    else:
        messages = {
            Limit.PEOPLE: _(
                "Your %(plan)s plan allows %(limit)d people; "
                "contact SafeLoop support to raise the limit."
            ),
            Limit.QR_POINTS: _(
                "Your %(plan)s plan allows %(limit)d QR points; "
                "contact SafeLoop support to raise the limit."
            ),
            Limit.DEVICES: _(
                "Your %(plan)s plan allows %(limit)d IoT devices; "
                "contact SafeLoop support to raise the limit."
            ),
            Limit.STORAGE_MB: _(
                "Your %(plan)s plan allows %(limit)d MB of files; "
                "contact SafeLoop support to raise the limit."
            ),
        }
    return messages[limit] % values
