"""Who is asking, and which rows they may see.

Row visibility lives in each node type's ``get_queryset`` and goes through
these helpers, so lists, single lookups, nested relations (the optimizer
prefetches through ``get_queryset``) and mutation inputs all agree.
"""

from __future__ import annotations

from django.db.models import QuerySet
from strawberry import Info

from safeloop.access import Permission, can


def current_user(info: Info):
    return info.context.request.user


def visible_if(queryset: QuerySet, info: Info, perm: Permission) -> QuerySet:
    """The queryset when the viewer holds ``perm``, nothing otherwise."""
    return queryset if can(current_user(info), perm) else queryset.none()
