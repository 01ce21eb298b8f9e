"""Which inspection rows the viewer may see, worked out once per request.

Row visibility is the domain's (``tenants/inspections/selectors.py``); types'
``get_queryset`` call these, so lists, lookups, nested relations and mutation
inputs agree. Finding a team leader's workshop costs queries, so the visible
querysets are built once per request and reused as subqueries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from strawberry import Info

from safeloop.access import can
from safeloop.graphql.permissions import current_user
from safeloop.tenants.facilities.permissions import FacilityPerm
from safeloop.tenants.inspections.permissions import InspectionPerm
from safeloop.tenants.inspections.selectors import visible_inspections, visible_tasks

_CACHE = "_safeloop_inspections_graphql"


def per_request(info: Info, key: str, make: Callable[[], Any]) -> Any:
    """``make()`` once per HTTP request (a GraphQL request may resolve many fields)."""
    cache = info.context.request.__dict__.setdefault(_CACHE, {})
    if key not in cache:
        cache[key] = make()
    return cache[key]


def tasks_seen(info: Info) -> QuerySet:
    """The primary keys of the tasks the viewer may see (a subquery, never evaluated here)."""
    return per_request(info, "tasks", lambda: visible_tasks(current_user(info)).values("pk"))


def inspections_seen(info: Info) -> QuerySet:
    return per_request(
        info, "inspections", lambda: visible_inspections(current_user(info)).values("pk")
    )


def may_inspect(info: Info) -> bool:
    """People who inspect, manage or oversee inspections see checklists, plans and routes."""
    user = current_user(info)
    return any(
        can(user, perm)
        for perm in (
            InspectionPerm.INSPECTIONS_DO,
            InspectionPerm.INSPECTIONS_MANAGE,
            InspectionPerm.INSPECTIONS_VIEW_ALL,
        )
    )


def may_see_points(info: Info) -> bool:
    user = current_user(info)
    return can(user, FacilityPerm.VIEW_FACILITIES) or can(user, InspectionPerm.INSPECTIONS_DO)
