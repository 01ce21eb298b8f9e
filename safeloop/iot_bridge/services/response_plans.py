"""The tiered response (分级响应) an enterprise sets for each kind of device.

At each level of an alarm ``alarms.plan_for`` reads who is told (the holders of
some roles, the people who work at the point) and what they are told to do. A
level nobody has set takes the defaults (``DEFAULT_ROLES``, ``DEFAULT_AREA_PEOPLE``,
``default_guidance``); empty guidance keeps the default text, which follows the
reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from safeloop.access import ROLE_CHOICES, ensure_can
from safeloop.iot_bridge.models import DeviceKind, ResponsePlan
from safeloop.iot_bridge.permissions import IotPerm
from safeloop.iot_bridge.services.alarms import (
    DEFAULT_AREA_PEOPLE,
    DEFAULT_ROLES,
    default_guidance,
)
from safeloop.platform.errors import clean_text, field_error
from safeloop.tenants.audit.services import record_event

LEVELS = (1, 2, 3)
LEVEL_NAMES = {
    1: gettext_lazy("Level 1 response"),
    2: gettext_lazy("Level 2 response"),
    3: gettext_lazy("Level 3 response"),
}
GUIDANCE_MAX = 1000
# The roles a plan may name: the enterprise's own people (as every role picker offers).
PLAN_ROLES = [value for value, _label in ROLE_CHOICES]


class ResponsePlanErrorCode:
    INVALID = "invalid"
    NOBODY = "nobody"


@dataclass(frozen=True)
class PlanRow:
    """One level of one kind of device as alarms use it: stored, or the defaults."""

    kind: str
    level: int
    guidance: str
    roles: list[str]
    area_people: bool
    is_default: bool

    @property
    def level_name(self) -> str:
        """一级响应, 二级响应, 三级响应."""
        return str(LEVEL_NAMES[self.level])


def _row(kind: str, level: int, plan: ResponsePlan | None) -> PlanRow:
    if plan is None:
        return PlanRow(
            kind=kind,
            level=level,
            guidance=default_guidance(kind, level),
            roles=list(DEFAULT_ROLES[level]),
            area_people=DEFAULT_AREA_PEOPLE[level],
            is_default=True,
        )
    return PlanRow(
        kind=kind,
        level=level,
        guidance=plan.guidance or default_guidance(kind, level),
        roles=list(plan.roles),
        area_people=plan.area_people,
        is_default=False,
    )


def plans_by_kind() -> dict[str, list[PlanRow]]:
    """Every kind of device (in its declared order) with its levels 1–3, in one query."""
    stored = {(plan.kind, plan.level): plan for plan in ResponsePlan.objects.all()}
    return {
        kind: [_row(kind, level, stored.get((kind, level))) for level in LEVELS]
        for kind in DeviceKind.values
    }


def plan_row(kind: str, level: int) -> PlanRow:
    return _row(kind, level, ResponsePlan.objects.filter(kind=kind, level=level).first())


def _check_level(kind: str, level: int) -> None:
    if kind not in DeviceKind.values:
        raise field_error("kind", _("Unknown kind of device."), ResponsePlanErrorCode.INVALID)
    if level not in LEVELS:
        raise field_error("level", _("Levels are 1, 2 and 3."), ResponsePlanErrorCode.INVALID)


def _guidance(kind: str, level: int, text: str) -> str:
    """Whitespace tidied line by line (a plan's steps keep their own lines); the default
    text, in any language, stored as empty so that it keeps following the reader's."""
    lines = [" ".join(line.split()) for line in (text or "").splitlines()]
    tidy = "\n".join(line for line in lines if line)
    clean_text(tidy, "guidance", max_length=GUIDANCE_MAX, required=False)  # the length
    defaults = set()
    for code, _name in settings.LANGUAGES:
        with override(code):
            defaults.add(default_guidance(kind, level))
    return "" if tidy in defaults else tidy


def _roles(roles: list[str]) -> list[str]:
    unknown = [role for role in roles if role not in PLAN_ROLES]
    if unknown:
        raise field_error(
            "roles",
            _("Unknown role: %(roles)s.") % {"roles": ", ".join(map(str, unknown))},
            ResponsePlanErrorCode.INVALID,
        )
    return [role for role in PLAN_ROLES if role in roles]  # each once, in the usual order


def _as_data(plan: ResponsePlan | None) -> dict | None:
    if plan is None:
        return None
    return {"guidance": plan.guidance, "roles": plan.roles, "area_people": plan.area_people}


@transaction.atomic
def set_response_plan(
    *,
    by,
    kind: str,
    level: int,
    guidance: str = "",
    roles: list[str],
    area_people: bool,
) -> ResponsePlan:
    """Set who is told at one level of one kind of device, and what to do (empty: the
    standard text). The next alarm of that level uses it."""
    ensure_can(by, IotPerm.IOT_MANAGE_DEVICES)
    _check_level(kind, level)
    guidance = _guidance(kind, level, guidance)
    roles = _roles(list(roles or []))
    if not roles and not area_people:
        # _people_for would fall back to the enterprise admins: say so instead.
        raise field_error(
            "roles",
            _(
                "Nobody would be told: choose at least one role or tell the area's people. An "
                "alarm that nobody is set to hear goes only to the enterprise admins."
            ),
            ResponsePlanErrorCode.NOBODY,
        )
    before = ResponsePlan.objects.select_for_update().filter(kind=kind, level=level).first()
    before_data = _as_data(before)
    plan, _created = ResponsePlan.objects.update_or_create(
        kind=kind,
        level=level,
        defaults={"guidance": guidance, "roles": roles, "area_people": area_people},
    )
    record_event(
        plan,
        "iot.response_plan_set",
        by=by,
        kind=kind,
        level=level,
        before=before_data,
        after=_as_data(plan),
    )
    return plan


@transaction.atomic
def reset_response_plan(*, by, kind: str, level: int) -> bool:
    """Back to the defaults for one level of one kind; False when it already had them."""
    ensure_can(by, IotPerm.IOT_MANAGE_DEVICES)
    _check_level(kind, level)
    plan = ResponsePlan.objects.select_for_update().filter(kind=kind, level=level).first()
    if plan is None:
        return False
    record_event(
        plan, "iot.response_plan_reset", by=by, kind=kind, level=level, before=_as_data(plan)
    )
    plan.delete()
    return True
