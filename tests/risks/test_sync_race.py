"""Two managers press "put the measures on the checklist" for a new risk point
at the same moment (two tabs, a double click on a slow line): every request
gets the page back and the point has one checklist, not a 500 from the unique
checklist code."""

from __future__ import annotations

from functools import partial

import pytest
from django.test import Client

from tests.support.committed import at_once, committed, throwaway_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def works():
    """A committed enterprise: the requests below run on connections of their own."""
    with throwaway_enterprise() as enterprise:
        yield enterprise


def _oven_point(enterprise):
    """An oven risk point with one checked measure; its admin's signed-in clients."""
    from django.contrib.auth import get_user_model

    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.facilities.services import create_area
    from safeloop.tenants.inspections.models import Point
    from safeloop.tenants.risks import services

    admin = get_user_model().objects.get(email=f"admin@{enterprise.slug}.test")
    workshop = Area.objects.filter(kind="workshop").order_by("code").first()
    area = create_area(by=admin, code="OVEN-BAY", name="烘箱区", kind="area", parent=workshop)
    Point.objects.for_target(area)  # inspected before it became a risk point
    point = services.create_risk_point(
        by=admin, code="RP-OVEN", name="烘箱", kind="area", area=area
    )
    services.assess_risk(point, by=admin, inherent={"l": 3, "e": 6, "c": 7})
    services.add_control_measure(
        point,
        by=admin,
        kind="engineering",
        level="team",
        description="超温自动断电",
        check_label="超温断电装置有效",
    )
    clients = [Client(HTTP_HOST=enterprise.host) for _ in range(4)]
    for client in clients:
        client.force_login(admin)
    return point, clients


def _checklists_of_the_oven():
    from safeloop.tenants.inspections.models import Checklist, ChecklistBinding

    codes = list(Checklist.objects.filter(code__startswith="R-").values_list("code", flat=True))
    bindings = ChecklistBinding.objects.filter(point__area__code="OVEN-BAY").count()
    return codes, bindings


def test_simultaneous_first_syncs_all_answer_and_leave_one_checklist(works):
    point, clients = committed(partial(_oven_point, works), works)

    results = at_once(*(partial(client.post, f"/r/{point.pk}/checks/") for client in clients))

    assert [getattr(r, "status_code", repr(r)) for r in results] == [302] * 4
    assert committed(_checklists_of_the_oven, works) == (["R-RP-OVEN"], 1)
