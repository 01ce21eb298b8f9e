"""Which hazards a user may see — the one place that decides row visibility."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from safeloop.access import can, roles_of
from safeloop.tenants.facilities.selectors import workshop_of
from safeloop.tenants.hazards.acceptance import ACCEPTANCE_LEVEL_ROLES
from safeloop.tenants.hazards.models import AcceptanceLevel, Hazard
from safeloop.tenants.hazards.permissions import HazardPerm


def visible_hazards(user) -> QuerySet[Hazard]:
    qs = Hazard.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    if can(user, HazardPerm.HAZARD_VIEW_ALL):
        return qs
    person = getattr(user, "person", None)
    rule = Q(reporter=user)
    if person is not None:
        rule |= Q(assignee=person)
        if can(user, HazardPerm.HAZARD_VIEW_WORKSHOP):
            workshop = workshop_of(person.area)
            if workshop is not None:
                rule |= Q(workshop=workshop)
    if not can(user, HazardPerm.HAZARD_REPORT) and person is None:
        return qs.none()
    return qs.filter(rule)


def hazards_open_to(user, verifier_token: str = "") -> QuerySet[Hazard]:
    """The visible hazards, plus the one a third-party verifier holds the QR token of.

    A verifier sees nothing by default (seed 004: "only this hazard's history");
    the hazard's own token opens that hazard alone, and only when its
    acceptance path has a verifier level.
    """
    qs = visible_hazards(user)
    if verifier_token and roles_of(user) & ACCEPTANCE_LEVEL_ROLES[AcceptanceLevel.VERIFIER]:
        qs = qs | Hazard.objects.filter(
            verifier_token=verifier_token,
            acceptance_levels__contains=[AcceptanceLevel.VERIFIER],
        )
    return qs
