"""The monthly closed-loop health report of Acme, worked by hand on a small month:
per-workshop closed-loop and overdue rates, the repeated hazards, the closure-time
trend; the PDF read back with pdftotext (Chinese text layer) and rasterised with
pdftoppm (the chart is drawn); the workbook; the e-mail; the archive page."""

from __future__ import annotations

import io
import subprocess
from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import Image

from safeloop.tenants.facilities.models import Area
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import Hazard, LibraryEntry, State
from safeloop.tenants.reports import monthly
from safeloop.tenants.reports.models import MonthlyReport
from safeloop.tenants.reports.services import generate_monthly_report
from tests.support.documents import pdf_text

pytestmark = pytest.mark.django_db

MONTH = date(2026, 10, 1)


def _at(day: int, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(date(2026, 10, day), time(hour)))


def _hazard(zhang, *, day: int, closed_after=None, deadline_after=None, entry=None, area="W1-A1"):
    hazard = services.report_hazard(
        by=zhang,
        area=Area.objects.get(code=area),
        library_entry=entry,
        description="" if entry else "通道堆放钢板",
        reported_at=_at(day),
    )
    changes = {}
    if deadline_after is not None:
        changes["deadline"] = _at(day) + deadline_after
    if closed_after is not None:
        changes.update(state=State.CLOSED, closed_at=_at(day) + closed_after)
    Hazard.objects.filter(pk=hazard.pk).update(**changes)
    return hazard


@pytest.fixture
def october(zhang):
    entry = LibraryEntry.objects.get(code="MECH-003")
    # W1: 5 reported, each given a deadline by routing (or here); 4 closed, one of them
    # after its deadline; one still open past its deadline at the end of October
    _hazard(
        zhang,
        day=2,
        closed_after=timedelta(hours=10),
        deadline_after=timedelta(days=3),
        entry=entry,
    )
    _hazard(
        zhang,
        day=3,
        closed_after=timedelta(hours=30),
        deadline_after=timedelta(days=3),
        entry=entry,
    )
    _hazard(zhang, day=5, closed_after=timedelta(days=5), deadline_after=timedelta(days=3))
    _hazard(zhang, day=20, deadline_after=timedelta(days=3))
    _hazard(zhang, day=1, closed_after=timedelta(hours=2))  # routing's 72 h: in time
    return entry


def test_the_figures_worked_by_hand(october):
    figures = monthly.monthly_figures(MONTH)

    w1 = next(row for row in figures.workshops if row.code == "W1")
    assert (w1.reported, w1.closed, w1.with_deadline, w1.overdue) == (5, 4, 5, 2)
    assert w1.closed_loop_rate == 0.8 and w1.overdue_rate == 0.4
    other = next(row for row in figures.workshops if row.code != "W1")
    assert other.reported == 0 and other.closed_loop_rate is None  # shown "—"
    assert figures.top_repeated == [(october.title, 2)]
    # closed in October: 10 h, 30 h, 120 h, 2 h → 40.5 h; the months before: nothing
    assert figures.closure_trend[-1] == ("2026-10", 40.5)
    assert figures.closure_trend[0] == ("2026-05", None)
    assert sum(figures.new_by_grade.values()) == 5
    assert sum(figures.closed_by_grade.values()) == 4


def test_the_pdf_has_chinese_text_and_a_chart(october, tmp_path):
    pdf = monthly.report_pdf("Acme 金属制品", monthly.monthly_figures(MONTH))

    text = "".join(pdf_text(pdf, tmp_path)).replace(" ", "")
    assert "隐患闭环健康度报告" in text and "2026-10" in text
    assert "80.0%" in text and "40.0%" in text and "40.5" in text
    (tmp_path / "report.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "50",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp_path / "report.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
    )
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    # the chart's line is drawn in the report's dark blue
    assert any(
        abs(r - 11) < 40 and abs(g - 58) < 40 and abs(b - 91) < 40 for r, g, b in page.getdata()
    )


def test_generating_archives_both_files_and_emails_the_pdf(october, sun, wang):
    report = generate_monthly_report(MONTH, by=sun)

    assert MonthlyReport.objects.get().month == MONTH
    assert report.pdf.name.startswith("acme/") and report.xlsx.name.startswith("acme/")
    book = load_workbook(io.BytesIO(report.xlsx.read()))
    assert book.sheetnames[0].startswith("车间")
    assert [m.attachments[0][0] for m in mail.outbox] == ["closed-loop-2026-10.pdf"]
    assert set(report.sent_to) == set(mail.outbox[0].to)

    again = generate_monthly_report(MONTH, by=sun, send=False)  # made again: replaced
    assert MonthlyReport.objects.count() == 1 and again.pk == report.pk


def test_a_month_not_over_and_an_operator_are_refused(zhang, sun):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError):
        generate_monthly_report(timezone.localdate().replace(day=1), by=sun)
    with pytest.raises(PermissionDenied):
        generate_monthly_report(MONTH, by=zhang)


def test_the_archive_page_makes_and_serves_a_past_month(as_sun, october):
    response = as_sun.post(reverse("reports:generate"), {"month": "2026-10"})
    assert response.status_code == 302
    body = as_sun.get(reverse("reports:archive")).content.decode()
    assert 'data-testid="report-2026-10"' in body
    report = MonthlyReport.objects.get()
    pdf = as_sun.get(reverse("reports:download", args=[report.pk, "pdf"]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_named_recipients_also_get_the_report_and_a_bad_address_is_named(as_sun, sun, zhang):
    from django.core.exceptions import PermissionDenied

    from safeloop.tenants.audit.models import AuditEvent
    from safeloop.tenants.reports.models import ReportSettings
    from safeloop.tenants.reports.services import set_monthly_recipients

    response = as_sun.post(
        reverse("reports:recipients"), {"recipients": "hq@group.test, nope-at-all\nboard@acme.test"}
    )
    assert response.status_code == 302
    assert ReportSettings.current().monthly_recipients == []  # nothing half-saved
    body = as_sun.get(reverse("reports:archive")).content.decode()
    assert "nope-at-all" in body

    as_sun.post(reverse("reports:recipients"), {"recipients": "HQ@group.test，board@acme.test"})
    assert ReportSettings.current().monthly_recipients == ["hq@group.test", "board@acme.test"]
    assert AuditEvent.objects.filter(verb="reports.recipients_set").count() == 1
    report = generate_monthly_report(MONTH, by=sun)
    assert {"hq@group.test", "board@acme.test"} <= set(mail.outbox[0].to)
    assert "hq@group.test" in report.sent_to
    with pytest.raises(PermissionDenied):
        set_monthly_recipients("x@y.test", by=zhang)
