"""The hazard board: each user sees the hazards the visibility rule gives them, filtered.

Zhang (operator) sees what he reported or fixes; Li sees all of W1 (her
workshop); Sun, the safety officer, sees everything; Globex sees none of Acme's.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.tenants.facilities.models import Area, Person
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import Hazard, State

pytestmark = pytest.mark.django_db


def _report(by, area_code, description="Oil on the floor", **kwargs) -> Hazard:
    return services.report_hazard(
        by=by, area=Area.objects.get(code=area_code), description=description, **kwargs
    )


def _as(client, user):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _numbers(response) -> set[str]:
    return {hazard.number for hazard in response.context["page_obj"]}


def test_operator_sees_only_what_he_reported_or_fixes(acme_client, zhang, wang, ma, w1_area):
    mine = _report(zhang, "W1-A1", "Guard missing")
    someone_elses = _report(wang, "W1-A2", "Blocked exit")
    assigned_to_zhang = _report(wang, "W3-A1", "Cylinder unchained")
    Hazard.objects.filter(pk=assigned_to_zhang.pk).update(assignee=Person.objects.get(user=zhang))

    response = _as(acme_client, zhang).get("/h/")

    assert response.status_code == 200
    assert _numbers(response) == {mine.number, assigned_to_zhang.number}
    assert someone_elses.number not in response.content.decode()


def test_team_leader_sees_her_workshop_and_safety_officer_sees_all(
    acme_client, li, sun, wang, w1_area
):
    in_w1 = _report(wang, "W1-A2", "Blocked exit")
    in_w3 = _report(wang, "W3-A1", "Cylinder unchained")

    as_li = _numbers(_as(acme_client, li).get("/h/"))
    as_sun = _numbers(_as(acme_client, sun).get("/h/"))

    assert in_w1.number in as_li and in_w3.number not in as_li
    assert {in_w1.number, in_w3.number} <= as_sun


def test_other_tenant_sees_none_of_acmes_hazards(globex_client, globex, wang, w1_area):
    _report(wang, "W1-A1", "Guard missing")

    with tenant_context(globex):
        chen = get_user_model().objects.get(email="chen@globex.test")
        globex_client.force_login(chen)
    response = globex_client.get("/h/")

    assert response.status_code == 200
    assert list(response.context["page_obj"]) == []
    assert response.context["counts"]["open"] == 0


def test_filters_by_grade_area_with_sub_areas_and_text(acme_client, sun, wang, w1_area):
    general = _report(wang, "W1-A1", "Oil on the floor")
    major = _report(wang, "W1-A2", "Crane hook latch broken", grade="major")
    elsewhere = _report(wang, "W3-A1", "Cylinder unchained", grade="major")
    w1 = Area.objects.get(code="W1")
    _as(acme_client, sun)

    by_grade = _numbers(acme_client.get("/h/?grade=major"))
    by_area = _numbers(acme_client.get(f"/h/?area={w1.pk}"))
    by_text = _numbers(acme_client.get("/h/?q=hook"))
    by_number = _numbers(acme_client.get(f"/h/?q={elsewhere.number}"))

    assert major.number in by_grade and elsewhere.number in by_grade
    assert general.number not in by_grade
    assert {general.number, major.number} <= by_area and elsewhere.number not in by_area
    assert by_text == {major.number}
    assert by_number == {elsewhere.number}


def test_overdue_filter_highlights_and_counts_the_late_hazard(acme_client, sun, wang, w1_area):
    late = _report(wang, "W1-A1", "Guard missing")
    on_time = _report(wang, "W1-A2", "Blocked exit")
    Hazard.objects.filter(pk=late.pk).update(
        deadline=timezone.now() - timedelta(hours=3, minutes=5)
    )
    _as(acme_client, sun)

    overdue = acme_client.get("/h/?overdue=yes")
    board = acme_client.get("/h/").content.decode()

    assert _numbers(overdue) == {late.number}
    assert on_time.number not in _numbers(overdue)
    assert overdue.context["counts"]["overdue"] >= 1
    row = board.split(f'data-testid="hazard-{late.number}"')[0].rsplit("<tr", 1)[1]
    assert "is-overdue" in row
    assert "overdue by 3 h 5 min" in board
    assert "data-deadline=" in board


def test_state_defaults_to_open_and_all_shows_closed_ones(acme_client, sun, wang, w1_area):
    open_one = _report(wang, "W1-A1", "Guard missing")
    dismissed = _report(wang, "W1-A2", "Not really a hazard")
    services.dismiss(dismissed, by=sun, reason="Duplicate")
    _as(acme_client, sun)

    default = _numbers(acme_client.get("/h/"))
    everything = _numbers(acme_client.get("/h/?state=all"))
    only_dismissed = _numbers(acme_client.get("/h/?state=dismissed"))

    assert open_one.number in default and dismissed.number not in default
    assert {open_one.number, dismissed.number} <= everything
    assert only_dismissed == {dismissed.number}


def test_assignee_near_miss_and_date_filters(acme_client, sun, wang, ma, w1_area):
    near_miss = _report(wang, "W1-A1", "Slipped, nobody hurt", is_near_miss=True)
    hazard = _report(wang, "W1-A2", "Blocked exit")
    old = _report(wang, "W1-A3", "Old report", reported_at=timezone.now() - timedelta(days=40))
    ma_person = Person.objects.get(user=ma)
    Hazard.objects.filter(pk=hazard.pk).update(assignee=ma_person)
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    _as(acme_client, sun)

    by_assignee = _numbers(acme_client.get(f"/h/?assignee={ma_person.pk}"))
    near_misses = _numbers(acme_client.get("/h/?near_miss=yes"))
    recent = _numbers(acme_client.get(f"/h/?date_from={since}"))
    board = acme_client.get("/h/")

    assert hazard.number in by_assignee and near_miss.number not in by_assignee
    assert near_miss.number in near_misses and hazard.number not in near_misses
    assert old.number not in recent and hazard.number in recent
    assert board.context["counts"]["near_misses"] >= 1


def test_a_filter_that_makes_no_sense_is_shown_and_ignored(acme_client, sun, wang, w1_area):
    hazard = _report(wang, "W1-A1", "Guard missing")

    response = _as(acme_client, sun).get("/h/?grade=purple&date_from=yesterday")

    assert response.status_code == 200
    assert hazard.number in _numbers(response)
    assert 'data-testid="filter-errors"' in response.content.decode()


def test_export_buttons_carry_the_filters_for_those_who_may_export(
    acme_client, sun, zhang, w1_area
):
    _report(zhang, "W1-A1", "Guard missing")

    sun_page = _as(acme_client, sun).get("/h/?grade=major&page=1").content.decode()
    zhang_page = _as(acme_client, zhang).get("/h/").content.decode()

    assert 'href="/h/export.csv?grade=major"' in sun_page
    assert 'href="/h/export.xlsx?grade=major"' in sun_page
    assert 'data-testid="export-csv"' not in zhang_page


def test_board_is_paginated_and_its_query_count_does_not_grow_with_rows(
    acme_client, sun, wang, w1_area
):
    for index in range(3):
        _report(wang, "W1-A1", f"Hazard {index}")
    _as(acme_client, sun)
    acme_client.get("/h/")  # warm caches (session, content types)

    with CaptureQueriesContext(connection) as few:
        acme_client.get("/h/")
    for index in range(27):
        _report(wang, "W1-A2", f"More {index}")
    with CaptureQueriesContext(connection) as many:
        response = acme_client.get("/h/")

    assert len(many) == len(few)
    assert len(response.context["page_obj"]) == 25
    assert response.context["page_obj"].paginator.num_pages >= 2


def test_signed_out_visitor_is_sent_to_sign_in(acme_client):
    response = acme_client.get("/h/")

    assert response.status_code == 302 and "login" in response.url


def test_closed_hazards_show_their_closing_date_instead_of_a_countdown(
    acme_client, sun, wang, w1_area
):
    hazard = _report(wang, "W1-A1", "Guard missing")
    Hazard.objects.filter(pk=hazard.pk).update(state=State.CLOSED, closed_at=timezone.now())

    page = _as(acme_client, sun).get("/h/?state=closed").content.decode()

    row = page.split(f'data-testid="hazard-{hazard.number}"')[1].split("</tr>")[0]
    assert "data-deadline" not in row
    assert timezone.localdate().isoformat() in row
