"""Wang Wei, Acme's admin, exports all of Acme's data in one ZIP (issue 18, item 4).

Zhang San reported a hazard with two photos that the fitter Ma Jun fixed (an after
photo, his signature) and Li Na accepted (her signature), and a major one; Wang
inspected W1's first area and photographed its first item; last month's report is in
the archive. The ZIP holds a row for every hazard, inspection and risk point of Acme
and every file Acme has in storage, and nothing of Globex, whose admin Chen Jie
reported a hazard of his own. Sun Hao, the safety officer, may read every ledger but
not take everything out. A workspace whose trial ended still exports, and so does one
whose broker is down.
"""

from __future__ import annotations

import io
import time
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.models import Area
from safeloop.tenants.hazards import services as hazards
from safeloop.tenants.hazards.models import Hazard, HazardPhoto, LibraryEntry, MajorCase
from safeloop.tenants.inspections.models import Answer, Inspection, Point
from safeloop.tenants.inspections.services import start_inspection, submit_inspection
from safeloop.tenants.reports.archive import stored_files
from safeloop.tenants.reports.exports import ExportErrorCode, delete_old_exports, request_export
from safeloop.tenants.reports.models import DataExport, ExportStatus, MonthlyReport
from safeloop.tenants.reports.services import generate_monthly_report
from safeloop.tenants.risks.models import RiskPoint
from tests.hazards import test_storage_s3 as on_s3
from tests.hazards.conftest import make_photo, make_signature
from tests.inspections.conftest import full_answers
from tests.support.outbox import unreachable_broker  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}
# A moto S3 server and SafeLoop's S3 storage pointed at it (the hazard photos' fixtures).
s3_endpoint, s3, s3_storage, BUCKET = on_s3.s3_endpoint, on_s3.s3, on_s3.s3_storage, on_s3.BUCKET


def _photo(name: str):
    return make_photo(name, size=(640, 480))


@pytest.fixture
def eager_celery():
    """Tasks run where they are sent, as in a one-process run."""
    from safeloop.platform.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before


@pytest.fixture
def globex_hazard(globex, chen):
    with tenant_context(globex):
        area = Area.objects.filter(kind="area").order_by("code").first()
        hazard = hazards.report_hazard(
            by=chen,
            area=area,
            description="Globex: wet floor",
            photos=[make_photo("globex.jpg", size=(640, 480), color=(20, 180, 60))],
        )
        return hazard.number, hazard.photos.get().image.name


@pytest.fixture
def acme_records(zhang, ma, li, wang, globex_hazard):
    area = Area.objects.filter(parent__code="W1").order_by("code").first()
    fixed = hazards.report_hazard(
        by=zhang,
        area=area,  # a mechanical hazard in W1: routing sends it to the fitter Ma
        library_entry=LibraryEntry.objects.filter(grade="general", category__code="mechanical")
        .order_by("code")
        .first(),
        photos=[_photo("a.jpg"), _photo("b.jpg")],
    )
    hazards.start_rectification(fixed, by=ma)
    hazards.submit_rectification(
        fixed,
        by=ma,
        description="Guard refitted",
        after_photos=[_photo("after.jpg")],
        signature_data_url=make_signature(),
    )
    hazards.accept(fixed, by=li, signature_data_url=make_signature())
    major = hazards.report_hazard(
        by=zhang,
        area=area,
        library_entry=LibraryEntry.objects.filter(grade="major").order_by("code").first(),
        photos=[_photo("gas.jpg")],
    )
    point = Point.objects.for_target(area)
    inspection = start_inspection(point, by=wang, at=timezone.now() - timedelta(minutes=3))
    answers, photos = full_answers(inspection.checklist_version)
    first = inspection.checklist_version.items.order_by("order").first()
    photos.setdefault(first.pk, _photo("check.jpg"))
    submit_inspection(
        inspection, by=wang, answers=answers, photos=photos, note='=HYPERLINK("http://x")'
    )
    generate_monthly_report(send=False)
    return fixed, major


def _build(wang, capture) -> DataExport:
    with capture(execute=True):
        export = request_export(by=wang)
    export.refresh_from_db()
    return export


def _sheet_column(data: bytes, column: int, *, first_row: int, sheet: int = 0) -> list:
    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = book.worksheets[sheet].iter_rows(min_row=first_row, values_only=True)
    return [row[column] for row in rows if row and row[column] is not None]


def test_the_zip_holds_every_hazard_inspection_risk_point_and_file_of_acme_and_nothing_else(
    acme_records, globex_hazard, wang, eager_celery, django_capture_on_commit_callbacks
):
    fixed, major = acme_records
    _number, globex_photo = globex_hazard

    # when
    export = _build(wang, django_capture_on_commit_callbacks)

    # then it is done, stored under Acme's prefix, and audited
    assert export.status == ExportStatus.DONE, export.error
    assert export.file.name.startswith("acme/exports/") and export.size > 0
    assert export.done == export.total > 3 and export.percent == 100
    verbs = set(
        AuditEvent.objects.filter(
            object_type="reports.dataexport", object_id=str(export.pk)
        ).values_list("verb", flat=True)
    )
    assert verbs == {"reports.export_requested", "reports.export_done"}
    with default_storage.open(export.file.name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    names = set(archive.namelist())
    assert archive.testzip() is None

    # every hazard, inspection, answer and risk point has its row
    ledger = archive.read("hazards.xlsx")
    numbers = _sheet_column(ledger, 0, first_row=2)
    assert sorted(numbers) == sorted(Hazard.objects.values_list("number", flat=True))
    assert not any("Globex" in text for text in _sheet_column(ledger, 6, first_row=2))
    inspections = archive.read("inspections.xlsx")
    assert sorted(_sheet_column(inspections, 0, first_row=2)) == sorted(
        Inspection.objects.values_list("pk", flat=True)
    )
    assert len(_sheet_column(inspections, 0, first_row=2, sheet=1)) == Answer.objects.count()
    notes = _sheet_column(inspections, 10, first_row=2)
    assert '\'=HYPERLINK("http://x")' in notes  # text, never a formula
    photo_paths = _sheet_column(inspections, 6, first_row=2, sheet=1)
    assert photo_paths and set(photo_paths) <= names
    codes = _sheet_column(archive.read("risk-register.xlsx"), 1, first_row=3)
    if "risk-register-retired.xlsx" in names:
        codes += _sheet_column(archive.read("risk-register-retired.xlsx"), 1, first_row=3)
    assert RiskPoint.objects.exists()
    assert sorted(codes) == sorted(RiskPoint.objects.values_list("code", flat=True))

    # every stored file of Acme is in it once, listed in the index, and Globex's is not
    keys = stored_files()
    assert keys and all(key.startswith("acme/") for key in keys)
    index = load_workbook(io.BytesIO(archive.read("files.xlsx")), read_only=True).active
    listed = {row[2]: row[0] for row in index.iter_rows(min_row=2, values_only=True)}
    assert sorted(f"acme/{stored}" for stored in listed) == keys
    assert set(listed.values()) <= names
    # (Globex numbers its hazards from 00001 too: compare what is inside, not names.)
    with default_storage.open(globex_photo, "rb") as handle:
        globex_bytes = handle.read()
    assert all(archive.read(name) != globex_bytes for name in names)
    for key in keys:
        with default_storage.open(key, "rb") as handle:
            assert archive.read(listed[key.removeprefix("acme/")]) == handle.read()

    # the hazard photos (before and after) and signatures lie under the hazard's number
    for photo in HazardPhoto.objects.filter(hazard__in=[fixed, major]):
        path = listed[photo.image.name.removeprefix("acme/")]
        assert path.startswith(f"photos/hazards/{photo.hazard.number}/{photo.stage}-")
    assert {p.stage for p in fixed.photos.all()} == {"report", "rectification"}
    assert sum(f"photos/hazards/{fixed.number}/signature-" in n for n in names) == 2
    assert any(n.startswith("photos/inspections/") for n in names)

    # the reports, and a README in both languages
    month = MonthlyReport.objects.get()
    assert MajorCase.objects.filter(hazard=major).exists()
    assert f"reports/major-hazards/{major.number}.pdf" in names
    assert archive.read(f"reports/major-hazards/{major.number}.pdf").startswith(b"%PDF")
    readme = archive.read("README.txt").decode("utf-8-sig")
    assert "Acme Metal Works" in readme and "导出时间" in readme and "Exported" in readme
    assert archive.getinfo("README.txt").compress_type == zipfile.ZIP_DEFLATED
    month_pdf = f"reports/monthly/{month.pdf.name.rsplit('/', 1)[1]}"
    assert archive.getinfo(month_pdf).compress_type == zipfile.ZIP_STORED


def test_sun_the_safety_officer_may_not_export_everything(sun, as_sun):
    with pytest.raises(PermissionDenied):
        request_export(by=sun)

    assert as_sun.get("/reports/export/").status_code == 403
    assert as_sun.post("/reports/export/start/").status_code == 403
    assert not DataExport.objects.exists()


def test_a_second_export_waits_for_the_first_unless_the_first_stopped_moving(wang):
    first = request_export(by=wang)  # not built: its commit never comes in this test

    with pytest.raises(ValidationError) as refused:
        request_export(by=wang)
    assert refused.value.code == ExportErrorCode.RUNNING

    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        second = request_export(by=wang)
    first.refresh_from_db()
    assert first.status == ExportStatus.FAILED and first.error
    assert second.status == ExportStatus.QUEUED


def test_a_zip_older_than_a_week_is_deleted_and_no_longer_served(as_wang, wang):
    export = DataExport.objects.create(
        requested_by=wang, status=ExportStatus.DONE, finished_at=timezone.now()
    )
    export.file.save("old.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
    name = export.file.name
    assert as_wang.get(f"/reports/export/{export.pk}.zip").status_code == 200

    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert as_wang.get(f"/reports/export/{export.pk}.zip").status_code == 404
        assert delete_old_exports() == 1

    assert not default_storage.exists(name)
    export.refresh_from_db()
    assert not export.file and export.status == ExportStatus.DONE


def test_a_workspace_whose_trial_ended_still_exports_in_chinese(
    acme, as_wang, wang, eager_celery, django_capture_on_commit_callbacks
):
    with time_machine.travel(acme.trial_ends_at + timedelta(days=1), tick=True):
        as_wang.force_login(wang)
        # it is read-only: a new area is refused…
        refused = as_wang.post("/w/areas/new/", {"code": "X1", "name": "新区"})
        assert refused.status_code == 402

        # …but the export starts, is built and is served
        with django_capture_on_commit_callbacks(execute=True):
            started = as_wang.post("/reports/export/start/", **ZH)
        assert started.status_code == 302 and started["Location"] == "/reports/export/"
        export = DataExport.objects.get()
        assert export.status == ExportStatus.DONE, export.error

        page = as_wang.get("/reports/export/", **ZH).content.decode()
        download = as_wang.get(f"/reports/export/{export.pk}.zip")
        status = as_wang.get(f"/reports/export/{export.pk}/status/").json()

    assert "导出全部数据" in page and "已开始导出" in page and 'data-testid="start-export"' in page
    assert "下载 ZIP" in page
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert "hazards.xlsx" in archive.namelist()
    # the ledgers speak the language Wang asked in
    headers = load_workbook(io.BytesIO(archive.read("inspections.xlsx")), read_only=True)
    assert headers.worksheets[0].title == "检查记录"
    assert status == {
        "id": export.pk,
        "status": "done",
        "label": "已完成",
        "done": export.done,
        "total": export.total,
        "percent": 100,
        "active": False,
    }


def test_the_billing_page_and_the_report_archive_lead_to_the_export(as_wang):
    billing = as_wang.get("/billing/", **ZH).content.decode()
    archive = as_wang.get("/reports/monthly/", **ZH).content.decode()

    assert 'data-testid="export"' in billing and 'href="/reports/export/"' in billing
    assert 'href="/reports/export/"' in archive


def test_with_the_broker_down_the_web_process_builds_the_export(unreachable_broker):  # noqa: F811
    from django.contrib.auth import get_user_model

    from tests.support.committed import committed, throwaway_enterprise

    with throwaway_enterprise() as enterprise:
        admin_email = f"admin@{enterprise.slug}.test"

        def ask():
            admin = get_user_model().objects.get(email=admin_email)
            return request_export(by=admin).pk

        pk = committed(ask, enterprise)
        deadline = time.monotonic() + 60
        while True:
            export = committed(lambda: DataExport.objects.get(pk=pk), enterprise)
            if not export.is_active or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        name = export.file.name
        try:
            assert export.status == ExportStatus.DONE, export.error
            assert name.startswith(f"{enterprise.schema_name}/exports/")
            with default_storage.open(name, "rb") as handle:
                assert "README.txt" in zipfile.ZipFile(handle).namelist()
        finally:
            if name:
                default_storage.delete(name)


def test_on_s3_the_zip_is_read_from_the_bucket_and_stored_in_it(
    zhang,
    wang,
    s3,
    s3_storage,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    # given a hazard photo and a supplier's file in the bucket, under Acme's prefix
    hazard = hazards.report_hazard(
        by=zhang,
        area=Area.objects.filter(parent__code="W1").order_by("code").first(),
        library_entry=LibraryEntry.objects.get(code="MECH-001"),
        photos=[_photo("s3.jpg")],
    )
    # (a model's file field adds the schema; the storage's own save takes the key as given)
    supplier_file = default_storage.save("acme/contractors/suppliers/a.pdf", ContentFile(b"%PDF"))

    # when
    export = _build(wang, django_capture_on_commit_callbacks)

    # then the ZIP is in the bucket and holds both objects, byte for byte
    assert export.status == ExportStatus.DONE, export.error
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert export.file.name in keys and export.file.name.startswith("acme/exports/")
    body = s3.get_object(Bucket=BUCKET, Key=export.file.name)["Body"].read()
    archive = zipfile.ZipFile(io.BytesIO(body))
    photo = hazard.photos.get()
    stored_photo = s3.get_object(Bucket=BUCKET, Key=photo.image.name)["Body"].read()
    assert archive.read(f"photos/hazards/{hazard.number}/report-{photo.pk}.jpg") == stored_photo
    assert supplier_file == "acme/contractors/suppliers/a.pdf"
    assert archive.read("files/contractors/suppliers/a.pdf") == b"%PDF"
    index = load_workbook(io.BytesIO(archive.read("files.xlsx")), read_only=True).active
    listed = sorted(f"acme/{row[2]}" for row in index.iter_rows(min_row=2, values_only=True))
    assert listed == sorted(key for key in keys if key != export.file.name)
