"""The completion page: rates per plan, area and person for this week or month.

Li Na (team leader of W1) sees her workshop's tasks; Sun Hao (safety officer)
sees every task; Zhang San (operator) does not see the page.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from safeloop.tenants.hazards.forms_report import shift_for
from safeloop.tenants.inspections.models import Point
from safeloop.tenants.inspections.services import create_route, skip_point, start_patrol
from safeloop.tenants.inspections.views_stats import period_bounds

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_patrol(on_one_shift, wang, li, w1, w1_areas):
    """Li's patrol through two of W1's areas, done today (both points skipped with a
    reason), in the middle of a shift so the page is read on the same shift and day."""
    points = [Point.objects.for_target(a) for a in w1_areas[:2]]
    route = create_route(by=wang, name="W1 巡检", shift=shift_for(), points=points, area=w1)
    task = start_patrol(route, by=li)
    for task_point in task.points.all():
        skip_point(task_point, by=li, reason="停产检修")
    return task


def test_li_sees_this_weeks_rates_per_person(as_li, done_patrol):
    page = as_li.get(reverse("inspections:completion"))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="completion-person"' in html and "Li Na" in html
    assert 'data-testid="rate">100 %<' in html


def test_an_unknown_period_falls_back_to_this_week(as_li, done_patrol):
    page = as_li.get(reverse("inspections:completion"), {"period": "decade"})

    assert page.status_code == 200 and page.context["period"] == "week"


def test_operator_may_not_see_completion(as_zhang, in_acme):
    page = as_zhang.get(reverse("inspections:completion"))

    assert page.status_code == 403


def test_periods_start_on_monday_and_on_the_first():
    week = period_bounds("week", date(2026, 11, 19))  # a Thursday
    month = period_bounds("month", date(2026, 12, 19))

    assert (week[0].date(), week[1].date()) == (date(2026, 11, 16), date(2026, 11, 23))
    assert (month[0].date(), month[1].date()) == (date(2026, 12, 1), date(2027, 1, 1))
