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

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from safeloop.platform.models import BillingPlan, Enterprise, Plan


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


def limit_labels() -> dict[Limit, str]:
    return {
        Limit.PEOPLE: _("People"),
        Limit.QR_POINTS: _("QR points"),
        Limit.DEVICES: _("IoT devices"),
        Limit.STORAGE_MB: _("Storage (MB)"),
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
