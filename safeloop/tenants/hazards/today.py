"""The hazards on a person's home page: to fix, and to accept (see facilities/today.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safeloop.tenants.facilities.today import DueItem, register_due
from safeloop.tenants.hazards.acceptance import can_accept_level
from safeloop.tenants.hazards.models import Hazard, State
from safeloop.tenants.hazards.selectors import visible_hazards

# A home page is a glance, not the board: the board lists the rest.
LIMIT = 20


def _item(hazard: Hazard, detail: str) -> DueItem:
    return DueItem(
        title=hazard.title,
        url=reverse("hazards:detail", args=[hazard.pk]),
        detail=f"{hazard.number} · {hazard.area.display_name} · {detail}",
        due=hazard.deadline,
        key=f"hazard-{hazard.number}",
    )


def hazards_to_fix(user) -> list[DueItem]:
    person = getattr(user, "person", None)
    if person is None:
        return []
    rows = (
        Hazard.objects.filter(assignee=person, state__in=(State.ASSIGNED, State.RECTIFYING))
        .select_related("area")
        .order_by("deadline", "id")[:LIMIT]
    )
    return [_item(h, h.get_state_display()) for h in rows]


def hazards_to_accept(user) -> list[DueItem]:
    """Fixed hazards whose next acceptance level is this user's to sign."""
    rows = (
        visible_hazards(user)
        .filter(state=State.AWAITING_ACCEPTANCE)
        .select_related("area")
        .order_by("deadline", "id")
    )
    mine = [h for h in rows if can_accept_level(user, h, h.next_acceptance_level or "")]
    return [_item(h, str(_("to accept"))) for h in mine[:LIMIT]]


def register() -> None:
    register_due("hazards_to_fix", _("Hazards to fix"), hazards_to_fix, order=20)
    register_due("hazards_to_accept", _("Hazards to accept"), hazards_to_accept, order=30)
