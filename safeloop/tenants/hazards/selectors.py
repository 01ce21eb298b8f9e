"""Which hazards a user may see — the one place that decides row visibility."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from safeloop.tenants.facilities.permissions import Perm, can
from safeloop.tenants.hazards.models import Hazard
from safeloop.tenants.hazards.routing import workshop_of


def visible_hazards(user) -> QuerySet[Hazard]:
    qs = Hazard.objects.all()
    if user is None or not user.is_authenticated or not user.is_active:
        return qs.none()
    if can(user, Perm.HAZARD_VIEW_ALL):
        return qs
    person = getattr(user, "person", None)
    rule = Q(reporter=user)
    if person is not None:
        rule |= Q(assignee=person)
        if can(user, Perm.HAZARD_VIEW_WORKSHOP):
            workshop = workshop_of(person.area)
            if workshop is not None:
                rule |= Q(workshop=workshop)
    if not can(user, Perm.HAZARD_REPORT) and person is None:
        return qs.none()
    return qs.filter(rule)
