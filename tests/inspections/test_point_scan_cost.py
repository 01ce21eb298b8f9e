"""A scan costs the same in a small tenant and in a big one (issue 12).

At a shift start every worker scans at once, so the QR point page must not read
every area and every binding of the enterprise to find the checklist of one point.
Zhang San (an operator in W1) scans Acme as provisioned (20 areas) and again after
Acme has grown by 1,000 areas and 200 bindings elsewhere (50 of each scoped kind:
point, machine type, area subtree, area kind). The page makes the same queries, and
the checklist it shows is still the one the precedence rule picks.

Counts are of the signed-in GET once the cache holds the page's items and library;
the ``SET search_path`` django-tenants sends before each query is not counted.
"""

from __future__ import annotations

import re

import pytest

from safeloop.tenants.facilities.models import Area, AreaKind, EquipmentType
from safeloop.tenants.inspections.bindings import BindingIndex
from safeloop.tenants.inspections.models import ChecklistBinding, Point
from safeloop.tenants.inspections.services import (
    applicable_checklists,
    bind_checklist,
    create_checklist,
    resolve_checklist,
)
from tests.inspections.test_point_page_cache import POINT_PAGE_QUERIES, _queries

pytestmark = pytest.mark.django_db

GROWN_AREAS = 1000
BINDINGS_PER_KIND = 50
ITEMS = [{"kind": "pass_fail", "label": "护栏完好", "label_en": "Guardrail intact"}]
CHECKLIST_NAME = re.compile(r'data-testid="checklist-name">([^<]*)<')


def _grow(wang) -> list[Area]:
    """1,000 more areas under Acme's workshops, and bindings of a checklist that
    applies only there: 50 on points, machine types, area subtrees and area kinds."""
    workshops = list(Area.objects.filter(kind=AreaKind.WORKSHOP).order_by("code"))
    areas = Area.objects.bulk_create(
        Area(
            code=f"GROWN-{i:04d}",
            name=f"扩建区域{i}",
            kind=AreaKind.AREA,
            parent=workshops[i % len(workshops)],
        )
        for i in range(GROWN_AREAS)
    )
    far = create_checklist(by=wang, code="FAR-AWAY", name="别处专检", items=ITEMS)
    n = BINDINGS_PER_KIND
    points = Point.objects.bulk_create(Point(area=area) for area in areas[:n])
    types = EquipmentType.objects.bulk_create(
        EquipmentType(code=f"GROWN-T{i}", name=f"扩建类型{i}") for i in range(n)
    )
    ChecklistBinding.objects.bulk_create(
        [ChecklistBinding(checklist=far, point=point) for point in points]
        + [ChecklistBinding(checklist=far, equipment_type=kind) for kind in types]
        + [ChecklistBinding(checklist=far, area=area) for area in areas[n : 2 * n]]
        + [
            ChecklistBinding(checklist=far, area=area, area_kind=AreaKind.AREA)
            for area in areas[2 * n : 3 * n]
        ]
    )
    return areas


def _scan(client, target) -> tuple[int, str]:
    """The queries of a scan once the caches are warm, and the page."""
    client.get(f"/q/{target.qr_token}/")
    return _queries(client, f"/q/{target.qr_token}/")


def _checklist_shown(client, target) -> str | None:
    page = client.get(f"/q/{target.qr_token}/")
    assert page.status_code == 200
    found = CHECKLIST_NAME.search(page.content.decode())
    return found.group(1).strip() if found else None


def test_a_scan_makes_the_same_queries_with_20_and_1020_areas(as_zhang, wang, w1_areas, press):
    small = [_scan(as_zhang, w1_areas[0])[0], _scan(as_zhang, press)[0]]

    grown = _grow(wang)
    big = [_scan(as_zhang, w1_areas[0])[0], _scan(as_zhang, press)[0]]
    count, html = _scan(as_zhang, grown[-1])  # a new area, far down the table

    assert Area.objects.count() == 20 + GROWN_AREAS
    assert small == big == [POINT_PAGE_QUERIES, POINT_PAGE_QUERIES]
    assert count == POINT_PAGE_QUERIES
    assert 'data-testid="checklist-form"' in html


def test_a_scan_reads_only_the_bindings_and_areas_that_can_apply_there(
    wang, area_point, press_point
):
    before = {p.pk: BindingIndex.for_point(p) for p in (area_point, press_point)}

    _grow(wang)

    for point in (area_point, press_point):
        index = BindingIndex.for_point(point)
        assert [b.pk for b in index.bindings] == [b.pk for b in before[point.pk].bindings]
        # The point's place, its workshop and its site: not the 1,020 areas.
        assert len(index.tree.parent) == 3
        assert index.resolve(point) == BindingIndex().resolve(point)


@pytest.fixture
def every_scope(wang, w1, w1_areas, press):
    """A checklist bound by each kind of scope, and the place where each one wins."""
    from safeloop.tenants.facilities.services import create_equipment

    w2 = Area.objects.get(code="W2")

    def own(code: str, name: str):
        return create_checklist(by=wang, code=code, name=name, items=ITEMS)

    bind_checklist(own("BY-POINT", "点位专检"), by=wang, point=Point.objects.for_target(press))
    gantry = EquipmentType.objects.create(code="GANTRY", name="龙门吊")
    bind_checklist(own("BY-TYPE", "龙门吊专检"), by=wang, equipment_type=gantry)
    bind_checklist(own("BY-SUBTREE", "冲压车间专检"), by=wang, area=w1)
    bind_checklist(own("BY-KIND", "二车间区域专检"), by=wang, area=w2, area_kind=AreaKind.AREA)
    crane = create_equipment(
        by=wang, code="GC-01", name="龙门吊 1", area=w1_areas[1], equipment_type=gantry
    )
    return {
        press: "点位专检",  # its own point binding beats its type's
        crane: "龙门吊专检",  # its type's binding beats W1's subtree
        w1_areas[0]: "冲压车间专检",  # W1's subtree beats the enterprise-wide daily check
        w2.children.order_by("code").first(): "二车间区域专检",  # W2's areas, by kind
        # W2 itself is a workshop: the kind binding leaves it out, and machining has
        # no weekly fire and electrical check (welding, assembly and power have).
        w2: "每月综合大检查",
        Area.objects.get(code="W3-A1"): "班前安全检查",  # nothing narrower: enterprise-wide
    }


def test_every_scope_kind_still_picks_its_checklist_in_a_grown_tenant(as_zhang, wang, every_scope):
    _grow(wang)

    shown = {place.code: _checklist_shown(as_zhang, place) for place in every_scope}

    assert shown == {place.code: name for place, name in every_scope.items()}


def test_one_point_resolves_as_the_whole_tenant_index_does_at_every_point(wang, every_scope):
    grown = _grow(wang)
    whole = BindingIndex()
    points = Point.objects.for_targets(
        areas=Area.objects.exclude(pk__in=[a.pk for a in grown[3 * BINDINGS_PER_KIND :]]),
        equipment=[place.pk for place in every_scope if not isinstance(place, Area)],
    )

    for point in Point.objects.filter(pk__in=[p.pk for p in points]).select_related(
        "area__parent__parent", "equipment__area__parent__parent"
    ):
        assert resolve_checklist(point) == whole.resolve(point), point.code
        assert applicable_checklists(point) == whole.checklists_for(point), point.code


def _sql_count(captured) -> int:
    return sum(1 for q in captured.captured_queries if not q["sql"].startswith("SET "))


def test_a_point_loaded_alone_reads_its_chain_of_areas_in_one_query(wang, area_point, press_point):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _grow(wang)
    area_alone = Point.objects.get(pk=area_point.pk)
    press_alone = Point.objects.get(pk=press_point.pk)

    with CaptureQueriesContext(connection) as for_area:
        area_checklist = resolve_checklist(area_alone)
    with CaptureQueriesContext(connection) as for_press:
        press_checklist = resolve_checklist(press_alone)

    # The chain (area, workshop, site) and the candidate bindings; a machine's point
    # reads its machine first.
    assert (_sql_count(for_area), _sql_count(for_press)) == (2, 3)
    assert area_checklist.code == "DAILY-AREA" and press_checklist.code == "EQUIP-PRESS"
