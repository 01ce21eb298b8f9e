"""The QR point page shows the form its visitor came for, one at a time.

Li Na leads W1's team. Without a task of hers at W1's first area (the press line,
where DAILY-AREA applies) a scan is most likely a hazard to report: the report form
is on screen and the checklist one tap away. When her patrol through W1 is on now,
the scan is the inspection: the checklist is on screen. A form that comes back with
errors stays in front. Without a script the switch is two links (``?mode=``).
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from safeloop.tenants.hazards.forms_report import shift_for
from safeloop.tenants.inspections.forms import sign_opened
from safeloop.tenants.inspections.models import ChecklistBinding, Point
from safeloop.tenants.inspections.services import create_route, start_patrol, unbind_checklist

pytestmark = pytest.mark.django_db


def _hub(target, query: str = "") -> str:
    return f"/q/{target.qr_token}/{query}"


def _shown(html: str) -> set[str]:
    """The panes on screen (the others carry ``hidden``)."""
    panes = re.findall(r'<section id="pane-(\w+)"[^>]*>', html)
    tags = re.findall(r'<section id="pane-\w+"[^>]*>', html)
    return {name for name, tag in zip(panes, tags, strict=True) if " hidden" not in tag}


def _selected_tab(html: str) -> str:
    (mode,) = re.findall(r'aria-selected="true"[^>]*data-mode="(\w+)"', html)
    return mode


@pytest.fixture
def lis_patrol_now(on_one_shift, wang, li, w1_areas):
    """Li's patrol through W1's first three areas, on the shift that is on now."""
    points = [Point.objects.for_target(a) for a in w1_areas[:3]]
    route = create_route(by=wang, name="W1 巡检", shift=shift_for(), points=points)
    return start_patrol(route, by=li)


def test_without_a_task_here_the_report_is_in_front_and_the_checklist_one_tap_away(
    as_li, area_point, checklist
):
    html = as_li.get(_hub(area_point.area)).content.decode()

    assert _shown(html) == {"report"} and _selected_tab(html) == "report"
    # The checklist is on the page (the switch shows it without a round trip).
    for item in checklist("DAILY-AREA").current_version.items.all():
        assert f'name="item_{item.pk}"' in html
    assert 'href="?mode=inspect"' in html and 'data-testid="inspection-due"' not in html
    # The report's camera slots are the first file inputs of the page.
    first_file = re.search(r'<input type="file"[^>]*>', html).group(0)
    assert 'name="photos"' in first_file


def test_when_her_patrol_is_on_the_checklist_is_in_front(as_li, lis_patrol_now, area_point):
    html = as_li.get(_hub(area_point.area)).content.decode()

    assert _shown(html) == {"inspect"} and _selected_tab(html) == "inspect"
    assert 'data-testid="inspection-due"' in html and 'data-testid="checklist-task"' in html
    assert 'href="?mode=report"' in html


def test_a_task_of_someone_else_does_not_put_the_checklist_in_front(
    as_zhang, lis_patrol_now, area_point
):
    html = as_zhang.get(_hub(area_point.area)).content.decode()

    assert _shown(html) == {"report"}


def test_the_switch_works_without_a_script(as_li, lis_patrol_now, area_point):
    report = as_li.get(_hub(area_point.area, "?mode=report")).content.decode()
    inspect = as_li.get(_hub(area_point.area, "?mode=inspect")).content.decode()
    nonsense = as_li.get(_hub(area_point.area, "?mode=dance")).content.decode()

    assert _shown(report) == {"report"} and _selected_tab(report) == "report"
    assert _shown(inspect) == {"inspect"} and _selected_tab(inspect) == "inspect"
    assert _shown(nonsense) == {"inspect"}  # the default for her, now


def test_a_report_with_errors_comes_back_in_front(as_li, lis_patrol_now, area_point):
    page = as_li.post(_hub(area_point.area), {"shift": shift_for()})

    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="report-errors"' in html
    assert _shown(html) == {"report"}


def test_a_checklist_with_errors_comes_back_in_front(as_li, area_point, checklist):
    version = checklist("DAILY-AREA").current_version
    posted = {"form": "checklist", "started": sign_opened(version, timezone.now())}

    html = as_li.post(_hub(area_point.area, "?mode=report"), posted).content.decode()

    assert 'data-testid="checklist-errors"' in html and _shown(html) == {"inspect"}


def test_where_no_checklist_applies_there_is_no_switch(as_li, wang, area_point):
    for binding in ChecklistBinding.objects.all():
        unbind_checklist(binding, by=wang)

    html = as_li.get(_hub(area_point.area, "?mode=inspect")).content.decode()

    assert _shown(html) == {"report"} and 'data-testid="point-switch"' not in html
