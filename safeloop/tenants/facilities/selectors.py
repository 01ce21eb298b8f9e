"""Reading the facility: the area tree, a place's workshop, the people holding a role.

Hazards, inspections and risks all ask these questions of the same areas and
people, so the answers live here, below those apps.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from django.db import connection
from django.db.models.expressions import RawSQL

from safeloop.access import Role
from safeloop.tenants.facilities.models import Area, AreaKind, Person

T = TypeVar("T")


class AreaTree:
    """The area tree as parent/kind maps: the whole table (one query), or only one
    area's chain up to its site (``AreaTree.above``)."""

    def __init__(self, rows: Iterable[tuple[int, int | None, str]] | None = None) -> None:
        self.parent: dict[int, int | None] = {}
        self.kind: dict[int, str] = {}
        self.children: dict[int | None, list[int]] = defaultdict(list)
        if rows is None:
            rows = Area.objects.values_list("pk", "parent_id", "kind")
        for pk, parent_id, kind in rows:
            self.parent[pk] = parent_id
            self.kind[pk] = kind
            self.children[parent_id].append(pk)

    @classmethod
    def above(cls, area: Area | int) -> AreaTree:
        """Only ``area`` (or the area of that id) and the areas above it, whatever the
        size of the tree.

        Parents already loaded with ``area`` (``select_related("parent__parent")``
        covers site → workshop → area) cost nothing; the rest of the chain is read in
        one recursive query. Such a tree answers ``ancestors``, ``depth`` and ``kind``
        for this chain only, not ``subtree`` or ``roll_up``.
        """
        rows: list[tuple[int, int | None, str]] = []
        current: Area | None = area if isinstance(area, Area) else None
        missing: int | None = None if current is not None else area
        while current is not None and current.pk not in {row[0] for row in rows}:
            rows.append((current.pk, current.parent_id, current.kind))
            if current.parent_id is None:
                current = None
            elif Area.parent.is_cached(current):
                current = current.parent
            else:
                missing, current = current.parent_id, None
        if missing is not None:
            rows += _chain_up(missing)
        return cls(rows)

    def ancestors(self, area_id: int | None) -> list[int]:
        """The area and the areas above it, nearest first."""
        chain = []
        while area_id is not None and area_id not in chain:
            chain.append(area_id)
            area_id = self.parent.get(area_id)
        return chain

    def depth(self, area_id: int | None) -> int:
        return len(self.ancestors(area_id))

    def subtree(self, root_id: int | None) -> set[int]:
        """The root and everything under it; every area when ``root_id`` is None."""
        if root_id is None:
            return set(self.parent)
        found, stack = set(), [root_id]
        while stack:
            pk = stack.pop()
            if pk in found:
                continue
            found.add(pk)
            stack.extend(self.children.get(pk, ()))
        return found

    def roll_up(self, own: Mapping[int, T], plus: Callable[[T, T], T], zero: T) -> dict[int, T]:
        """For every area, ``plus`` of the ``own`` values of its whole subtree.

        Each value is added to its area and every area above it, so a workshop
        totals its lines and a site its workshops; areas with nothing get ``zero``.
        """
        totals: dict[int, T] = dict.fromkeys(self.parent, zero)
        for area_id, value in own.items():
            for above in self.ancestors(area_id):
                if above in totals:
                    totals[above] = plus(totals[above], value)
        return totals


def _chain_up(area_id: int) -> list[tuple[int, int | None, str]]:
    """(id, parent id, kind) of an area and every area above it, in one query."""
    table = connection.ops.quote_name(Area._meta.db_table)
    with connection.cursor() as cursor:
        # UNION (not UNION ALL) stops at a row seen before, should the tree ever loop;
        # the LIMIT keeps each step an index lookup (a join would scan the table).
        cursor.execute(
            f"WITH RECURSIVE up(id, parent_id, kind) AS ("
            f"SELECT id, parent_id, kind FROM {table} WHERE id = %s UNION"
            f" SELECT a.id, a.parent_id, a.kind FROM up CROSS JOIN LATERAL"
            f" (SELECT id, parent_id, kind FROM {table} WHERE id = up.parent_id LIMIT 1) a"
            ") SELECT id, parent_id, kind FROM up",
            [area_id],
        )
        return list(cursor.fetchall())


def subtree_ids(root_id: int) -> RawSQL:
    """``root_id`` and every area under it, as a subquery for ``area_id__in``: the
    database walks the tree (a recursive query, each step on the parent index), so a filter by
    a workshop reads nothing in Python and costs the same in a tenant of any size."""
    table = connection.ops.quote_name(Area._meta.db_table)
    # OFFSET 0 keeps each step a lookup on the parent index (a join would scan the table).
    return RawSQL(
        f"WITH RECURSIVE sub(id) AS (SELECT id FROM {table} WHERE id = %s UNION"
        f" SELECT a.id FROM sub CROSS JOIN LATERAL"
        f" (SELECT id FROM {table} WHERE parent_id = sub.id OFFSET 0) a"
        ") SELECT id FROM sub",
        (root_id,),
    )


def workshop_of(area: Area | None) -> Area | None:
    while area is not None and area.kind != AreaKind.WORKSHOP:
        if area.kind == AreaKind.SITE:
            return None
        area = area.parent
    return area


def areas_of_workshop(workshop: Area) -> list[int]:
    return [workshop.pk, *Area.objects.filter(parent=workshop).values_list("pk", flat=True)]


def active_people():
    """People whose login still works: nobody routes work to someone who has left."""
    return Person.objects.filter(user__is_active=True)


def people_with_role(role: Role, workshop: Area | None = None):
    qs = active_people().filter(roles__contains=[role.value])
    if workshop is not None:
        qs = qs.filter(area_id__in=areas_of_workshop(workshop))
    return qs.select_related("user").order_by("id")
