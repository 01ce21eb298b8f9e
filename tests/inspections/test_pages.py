"""The inspection pages on a phone: the QR point hub with its checklist, the result
with one-tap hazards, "my inspections today" and a task's points.

Li Na leads W1's team and walks the day-shift patrol through W1's areas; Zhang
San operates in W1 and walks his own; Zhao Min is a third-party verifier and
does not inspect; Globex is another enterprise whose QR codes mean nothing here.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.tenants.hazards.forms_report import shift_for
from safeloop.tenants.hazards.models import Hazard
from safeloop.tenants.inspections.forms import sign_opened
from safeloop.tenants.inspections.models import Inspection, Point, TaskState
from safeloop.tenants.inspections.services import create_route, start_patrol, unbind_checklist
from tests.inspections.conftest import full_answers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _hub(target) -> str:
    return f"/q/{target.qr_token}/"


def _posted(version, *, fail_kind=None, opened=None, **extra) -> dict:
    """What the hub's checklist form posts when every item is answered."""
    answers, photos = full_answers(version, fail_kind=fail_kind)
    data = {f"item_{pk}": value for pk, value in {**answers, **photos}.items()}
    started = opened or timezone.now() - timedelta(minutes=3)
    return {"form": "checklist", "started": sign_opened(version, started), **data, **extra}


@pytest.fixture
def route_points(w1_areas):
    return [Point.objects.for_target(a) for a in w1_areas[:3]]


@pytest.fixture
def patrol(on_one_shift, wang, route_points):
    """A patrol route through three of W1's areas on the shift that is on now (the
    middle of a shift, so its window lasts the whole test)."""
    return create_route(by=wang, name="W1 巡检", shift=shift_for(), points=route_points)


def test_hub_shows_only_the_report_form_where_no_checklist_applies(as_li, wang, area_point):
    from safeloop.tenants.inspections.models import ChecklistBinding

    for binding in ChecklistBinding.objects.all():
        unbind_checklist(binding, by=wang)

    html = as_li.get(_hub(area_point.area)).content.decode()

    assert 'data-testid="checklist-form"' not in html
    assert 'data-testid="report-submit"' in html


def test_li_submits_the_checklist_through_the_hub_and_sees_each_item(
    as_li, li, area_point, checklist
):
    version = checklist("DAILY-AREA").current_version

    sent = as_li.post(_hub(area_point.area), _posted(version, latitude="31.2", longitude="121.5"))

    inspection = Inspection.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == reverse("inspections:result", args=[inspection.pk])
    assert inspection.inspector == li.person and inspection.result == "pass"
    assert inspection.answers.count() == version.items.count()
    assert not inspection.too_fast  # opened three minutes before, as the signed time says
    page = as_li.get(sent["Location"]).content.decode()
    assert 'data-result="pass"' in page and 'data-testid="flags"' not in page
    assert page.count('data-passed="pass"') >= 1


def test_a_missing_answer_is_shown_beside_its_item_and_nothing_is_saved(
    as_li, area_point, checklist
):
    version = checklist("DAILY-AREA").current_version
    first = version.items.order_by("order").first()
    data = _posted(version)
    del data[f"item_{first.pk}"]

    page = as_li.post(_hub(area_point.area), data)

    assert page.status_code == 200
    assert page.context["panel"].form.errors[f"item_{first.pk}"]
    assert 'data-testid="checklist-errors"' in page.content.decode()
    assert not Inspection.objects.exists()


def test_a_forged_opening_time_is_flagged_not_refused(as_li, area_point, checklist):
    version = checklist("DAILY-AREA").current_version

    sent = as_li.post(_hub(area_point.area), {**_posted(version), "started": "forged"})

    inspection = Inspection.objects.get()
    assert sent.status_code == 302 and inspection.too_fast
    page = as_li.get(sent["Location"]).content.decode()
    assert 'data-testid="flag-too-fast"' in page


def test_a_failed_item_becomes_a_hazard_in_one_tap(as_li, li, area_point, checklist):
    version = checklist("DAILY-AREA").current_version
    as_li.post(_hub(area_point.area), _posted(version, fail_kind="pass_fail"))
    inspection = Inspection.objects.get()
    failed = inspection.answers.select_related("item").get(passed=False)
    result = as_li.get(reverse("inspections:result", args=[inspection.pk])).content.decode()
    assert f'data-testid="create-hazard-{failed.item.order}"' in result

    tapped = as_li.post(reverse("inspections:answer_hazard", args=[failed.pk]))

    hazard = Hazard.objects.get()
    assert tapped.status_code == 302
    assert tapped["Location"] == reverse("hazards:detail", args=[hazard.pk])
    assert hazard.area == area_point.area and hazard.reporter == li
    failed.refresh_from_db()
    assert failed.hazard == hazard
    again = as_li.get(reverse("inspections:result", args=[inspection.pk])).content.decode()
    assert hazard.number in again and "create-hazard-" not in again


def test_a_passed_item_is_not_made_a_hazard(as_li, area_point, checklist):
    version = checklist("DAILY-AREA").current_version
    as_li.post(_hub(area_point.area), _posted(version))
    passed = Inspection.objects.get().answers.filter(passed=True).first()

    tapped = as_li.post(reverse("inspections:answer_hazard", args=[passed.pk]))

    assert tapped.status_code == 302 and not Hazard.objects.exists()


def test_route_result_shows_the_next_point_and_the_task_finishes(
    as_li, li, patrol, route_points, checklist
):
    task = start_patrol(patrol, by=li)
    version = checklist("DAILY-AREA").current_version

    sent = as_li.post(_hub(route_points[0].area), _posted(version))

    page = as_li.get(sent["Location"]).content.decode()
    assert 'data-testid="next-point"' in page
    assert route_points[1].area.display_name in page
    assert f"/q/{route_points[1].area.qr_token}/" in page
    for point in route_points[1:]:
        as_li.post(_hub(point.area), _posted(version))
    task.refresh_from_db()
    assert task.state == TaskState.DONE


def test_my_inspections_today_lists_only_my_tasks(as_li, li, zhang, patrol):
    mine = start_patrol(patrol, by=li)
    theirs = start_patrol(patrol, by=zhang)

    page = as_li.get(reverse("inspections:today"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f'data-testid="task-{mine.pk}"' in page
    assert f'data-testid="task-{theirs.pk}"' not in page
    assert "0 of 3 points" in page


def test_task_page_lists_points_in_order_with_the_next_one_highlighted(
    as_li, li, patrol, route_points
):
    task = start_patrol(patrol, by=li)

    html = as_li.get(reverse("inspections:task", args=[task.pk])).content.decode()

    positions = [html.index(f'data-testid="task-point-{n}"') for n in (1, 2, 3)]
    assert positions == sorted(positions)
    assert html.count("is-next") == 1
    assert f'href="/q/{route_points[0].area.qr_token}/" data-testid="open-point-1"' in html


def test_skipping_a_point_needs_a_reason(as_li, li, patrol):
    task = start_patrol(patrol, by=li)
    first = task.points.order_by("order").first()
    url = reverse("inspections:skip", args=[task.pk, first.pk])

    refused = as_li.post(url, {"reason": "  "})
    first.refresh_from_db()
    assert refused.status_code == 400 and first.skipped_at is None
    assert 'data-testid="skip-errors"' in refused.content.decode()

    skipped = as_li.post(url, {"reason": "门锁着，钥匙在设备科"})
    first.refresh_from_db()
    assert skipped.status_code == 302 and first.skipped_reason == "门锁着，钥匙在设备科"


def test_zhang_cannot_open_or_skip_lis_task(as_zhang, li, patrol):
    task = start_patrol(patrol, by=li)
    first = task.points.order_by("order").first()

    page = as_zhang.get(reverse("inspections:task", args=[task.pk]))
    skip = as_zhang.post(reverse("inspections:skip", args=[task.pk, first.pk]), {"reason": "x"})

    assert page.status_code == 404 and skip.status_code == 404
    first.refresh_from_db()
    assert first.skipped_at is None


def test_another_enterprises_token_shows_the_not_found_page(as_li, globex):
    from safeloop.tenants.facilities.models import Area

    with tenant_context(globex):
        globex_area = Area.objects.order_by("code").first()

    page = as_li.get(_hub(globex_area))

    assert page.status_code == 404
    assert 'data-testid="qr-invalid"' in page.content.decode()


def test_verifier_gets_403_on_the_inspection_pages(acme_client, zhao, area_point, checklist):
    acme_client.force_login(zhao)
    version = checklist("DAILY-AREA").current_version

    today = acme_client.get(reverse("inspections:today"))
    hub = acme_client.post(_hub(area_point.area), _posted(version))

    assert today.status_code == 403 and hub.status_code == 403
    assert 'data-testid="forbidden"' in today.content.decode()
    assert not Inspection.objects.exists()


def test_signed_out_phone_goes_to_quick_login_and_comes_back(acme_client, in_acme):
    page = acme_client.get(reverse("inspections:today"))

    assert page.status_code == 302
    assert page["Location"] == f"{reverse('accounts:quick_login')}?next=%2Fi%2F"


def test_inspections_is_in_the_menu_for_inspectors_only(as_li, acme_client, zhao):
    assert 'data-testid="nav-inspections"' in as_li.get("/w/").content.decode()

    acme_client.force_login(zhao)
    assert 'data-testid="nav-inspections"' not in acme_client.get("/w/").content.decode()
