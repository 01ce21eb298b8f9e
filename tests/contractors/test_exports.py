"""Hengda's workers as XLSX: Sun Hao (safety officer, may only look) always gets masked
ID numbers; Wang Wei (admin) gets the full numbers only when he ticks the box, and
that export is audited; Zhang San (operator) gets nothing. A full ID number never
reaches the log, whatever is imported or exported."""

from __future__ import annotations

import io
import logging
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from safeloop.contractors import services
from safeloop.tenants.audit.models import AuditEvent
from tests.contractors.conftest import WU_ID, WU_MASKED, consent
from tests.contractors.test_crew_xlsx import GOOD_ROWS, LI_ID, QIAN_ID, ZHAO_ID, xlsx


def cells(content: bytes) -> list:
    """Every value of every sheet of an exported file."""
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
            for cell in row]  # fmt: skip


def text_of(content: bytes) -> str:
    return "\n".join(str(value) for value in cells(content) if value is not None)


@pytest.fixture
def wu_welds(wu, wang):
    services.add_certificate(
        wu,
        by=wang,
        kind="welding",
        number="T-1",
        issuer="北京市应急管理局",
        valid_until=date.today() + timedelta(days=6),
    )
    return wu


def test_the_safety_officer_exports_masked_id_numbers_with_certificates(sun, hengda, wu_welds):
    content = services.export_workers(hengda, by=sun)

    workbook = load_workbook(io.BytesIO(content))
    workers, certificates = workbook.worksheets
    header, row = list(workers.iter_rows(values_only=True))
    assert header[:5] == ("姓名", "身份证号", "手机号码", "工种", "班组")
    assert row[:4] == ("吴刚", WU_MASKED, "13900139000", "焊工")
    assert "焊接与热切割作业 T-1" in row[5] and "即将到期" in row[5]
    (cert,) = list(certificates.iter_rows(values_only=True))[1:]
    assert cert[1] == WU_MASKED and cert[3] == "T-1" and cert[5].date() > date.today()
    assert WU_ID not in text_of(content)
    (event,) = AuditEvent.objects.filter(verb="contractors.workers_exported")
    assert event.data == {"workers": 1, "full_id_numbers": False} and event.actor_id == sun.pk


def test_the_safety_officer_cannot_ask_for_full_id_numbers(sun, hengda, wu):
    with pytest.raises(PermissionDenied):
        services.export_workers(hengda, by=sun, full_id_numbers=True)
    assert not AuditEvent.objects.filter(verb="contractors.workers_exported").exists()


def test_wang_gets_full_id_numbers_only_when_he_asks_and_it_is_audited(wang, hengda, wu):
    masked = services.export_workers(hengda, by=wang)
    assert WU_MASKED in text_of(masked) and WU_ID not in text_of(masked)

    full = services.export_workers(hengda, by=wang, full_id_numbers=True)

    assert WU_ID in cells(full) and WU_MASKED not in text_of(full)
    events = AuditEvent.objects.filter(verb="contractors.workers_exported").order_by("id")
    assert [e.data["full_id_numbers"] for e in events] == [False, True]
    assert WU_ID not in str([e.data for e in events])


def test_the_export_reads_the_same_number_of_queries_for_more_workers(wang, hengda, wu_welds):
    with CaptureQueriesContext(connection) as one:
        services.export_workers(hengda, by=wang, full_id_numbers=True)
    services.import_workers(hengda, xlsx(GOOD_ROWS), by=wang, consent=consent())
    with CaptureQueriesContext(connection) as four:
        content = services.export_workers(hengda, by=wang, full_id_numbers=True)
    assert len(four) == len(one)
    assert {LI_ID, ZHAO_ID, QIAN_ID, WU_ID} <= set(cells(content))


def test_a_full_id_number_never_reaches_the_log(wang, sun, hengda, wu, caplog, settings):
    # Every logger at DEBUG, SQL with its parameters included.
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True
    bad = [GOOD_ROWS[0], ["", ZHAO_ID, "", "", "", "", "", "", ""], ["重复", LI_ID, "", "", ""]]
    try:
        with pytest.raises(services.WorkerListError):
            services.import_workers(hengda, xlsx(bad), by=wang, consent=consent())
        services.import_workers(hengda, xlsx(GOOD_ROWS), by=wang, consent=consent())
        services.export_workers(hengda, by=wang, full_id_numbers=True)
        services.export_workers(hengda, by=sun)
    finally:
        connection.force_debug_cursor = False
    assert "contractors_contractorworker" in caplog.text  # the SQL was logged
    for number in (WU_ID, LI_ID, ZHAO_ID, QIAN_ID):
        assert number not in caplog.text


# --- The page ----------------------------------------------------------------------


def test_the_company_page_offers_the_full_numbers_box_to_managers_only(
    as_wang, hengda, wu, acme_client, sun
):
    page = as_wang.get(reverse("contractors:company", args=[hengda.pk])).content.decode()
    assert 'data-testid="export-full"' in page and "包含完整身份证号" in page
    acme_client.force_login(sun)
    page = acme_client.get(reverse("contractors:company", args=[hengda.pk])).content.decode()
    assert 'data-testid="workers-export"' in page and 'data-testid="export-full"' not in page


def test_the_export_page_masks_unless_a_manager_ticks_the_box(as_wang, hengda, wu):
    url = reverse("contractors:workers_export", args=[hengda.pk])

    plain = as_wang.post(url)
    full = as_wang.post(url, {"full_id_numbers": "on"})

    assert plain["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in plain["Content-Disposition"] and "no-store" in full["Cache-Control"]
    assert WU_ID not in text_of(plain.content) and WU_MASKED in text_of(plain.content)
    assert WU_ID in cells(full.content)
    assert AuditEvent.objects.filter(
        verb="contractors.workers_exported", data__full_id_numbers=True
    ).exists()


def test_a_viewer_forging_the_box_is_refused_and_an_operator_gets_nothing(
    as_sun, hengda, wu, zhang, acme_client
):
    url = reverse("contractors:workers_export", args=[hengda.pk])
    masked = as_sun.get(url)
    assert masked.status_code == 200 and WU_ID not in text_of(masked.content)
    forged = as_sun.post(url, {"full_id_numbers": "on"})
    assert forged.status_code == 403 and WU_ID.encode() not in forged.content
    acme_client.force_login(zhang)
    assert acme_client.get(url).status_code == 403


def test_globex_cannot_export_acmes_workers(as_chen, globex, hengda, wu):
    with tenant_context(globex):
        url = reverse("contractors:workers_export", args=[hengda.pk])
        assert as_chen.post(url, {"full_id_numbers": "on"}).status_code == 404
