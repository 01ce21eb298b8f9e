"""The hazard ledger (台账) export: CSV for Excel in China, XLSX, the board's filters."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from safeloop.tenants.facilities.models import Area
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import Hazard, HazardSettings, State

pytestmark = pytest.mark.django_db

HEADER = [
    "Number",
    "Reported at",
    "Area",
    "Equipment",
    "Category",
    "Title",
    "Description",
    "Grade",
    "State",
    "Near miss",
    "Reporter",
    "Assignee",
    "Deadline",
    "Rectified at",
    "Closed at",
    "Overdue",
    "Hours to close",
]


def _report(by, area_code, description, **kwargs) -> Hazard:
    return services.report_hazard(
        by=by, area=Area.objects.get(code=area_code), description=description, **kwargs
    )


def _as(client, user):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_has_a_bom_a_header_and_one_row_per_hazard(acme_client, sun, zhang, w1_area):
    hazard = _report(zhang, "W1-A1", "Guard missing on the press", grade="serious")
    Hazard.objects.filter(pk=hazard.pk).update(deadline=timezone.now() - timedelta(hours=2))

    response = _as(acme_client, sun).get("/h/export.csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = _csv(response)
    assert rows[0] == HEADER
    row = dict(zip(HEADER, next(r for r in rows[1:] if r[0] == hazard.number), strict=True))
    assert row["Title"] == "Guard missing on the press"
    assert row["Grade"] == "Serious" and row["Near miss"] == "no"
    assert row["Reporter"] == "Zhang San"
    assert row["Overdue"] == "yes"
    assert row["Area"].startswith("W1-A1")
    assert row["Closed at"] == "" and row["Hours to close"] == ""


def test_export_applies_the_board_filters(acme_client, sun, wang, w1_area):
    serious = _report(wang, "W1-A1", "Guard missing", grade="serious")
    general = _report(wang, "W1-A2", "Oil on the floor")
    in_w3 = _report(wang, "W3-A1", "Cylinder unchained", grade="serious")
    w1 = Area.objects.get(code="W1")
    _as(acme_client, sun)

    by_grade = {r[0] for r in _csv(acme_client.get("/h/export.csv?grade=serious"))[1:]}
    by_both = {r[0] for r in _csv(acme_client.get(f"/h/export.csv?grade=serious&area={w1.pk}"))[1:]}

    assert serious.number in by_grade and in_w3.number in by_grade
    assert general.number not in by_grade
    assert by_both == {serious.number}


def test_closed_hazard_has_its_times_and_anonymous_reporter_is_not_named(
    acme_client, sun, zhang, w1_area
):
    HazardSettings.objects.create(anonymous_reporting=True)
    hazard = _report(zhang, "W1-A1", "Anonymous tip", anonymous=True)
    closed_at = hazard.reported_at + timedelta(hours=5, minutes=30)
    Hazard.objects.filter(pk=hazard.pk).update(state=State.CLOSED, closed_at=closed_at)

    rows = _csv(_as(acme_client, sun).get("/h/export.csv?state=all"))

    row = dict(zip(HEADER, next(r for r in rows[1:] if r[0] == hazard.number), strict=True))
    assert row["Reporter"] == "anonymous"
    assert row["Hours to close"] == "5.5"
    assert row["Closed at"] == f"{timezone.localtime(closed_at):%Y-%m-%d %H:%M}"
    assert "Zhang San" not in row.values()


def test_text_that_looks_like_a_formula_is_defused(acme_client, sun, wang, w1_area):
    hazard = _report(wang, "W1-A1", '=HYPERLINK("http://evil")')

    rows = _csv(_as(acme_client, sun).get("/h/export.csv"))

    row = next(r for r in rows[1:] if r[0] == hazard.number)
    assert row[HEADER.index("Title")].startswith("'=")


def test_xlsx_opens_with_a_bold_frozen_header_and_the_rows(acme_client, sun, wang, w1_area):
    hazard = _report(wang, "W1-A1", "Guard missing", is_near_miss=True)

    response = _as(acme_client, sun).get("/h/export.xlsx")

    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADER
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["F"].width >= 30
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    row = dict(zip(HEADER, rows[hazard.number], strict=True))
    assert row["Near miss"] == "yes"
    assert row["Reported at"].replace(second=0, microsecond=0) == timezone.localtime(
        hazard.reported_at
    ).replace(tzinfo=None, second=0, microsecond=0)


def test_headers_follow_the_users_language(acme_client, sun, w1_area):
    acme_client.force_login(sun)

    response = acme_client.get("/h/export.csv", HTTP_ACCEPT_LANGUAGE="zh-hans")

    with translation.override("zh-hans"):
        expected = [gettext(name) for name in HEADER]
    assert response.status_code == 200
    assert _csv(response)[0] == expected


def test_operator_may_not_export(acme_client, zhang, w1_area):
    _report(zhang, "W1-A1", "Guard missing")
    _as(acme_client, zhang)

    assert acme_client.get("/h/export.csv").status_code == 403
    assert acme_client.get("/h/export.xlsx").status_code == 403


def test_unknown_format_is_404(acme_client, sun):
    _as(acme_client, sun)

    assert acme_client.get("/h/export.pdf").status_code == 404
    assert acme_client.get("/h/export.json").status_code == 404


def test_another_tenant_exports_none_of_acmes_hazards(globex_client, globex, wang, w1_area):
    _report(wang, "W1-A1", "Guard missing")
    with tenant_context(globex):
        chen = get_user_model().objects.get(email="chen@globex.test")
        globex_client.force_login(chen)

    response = globex_client.get("/h/export.csv", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert len(_csv(response)) == 1  # the header only
