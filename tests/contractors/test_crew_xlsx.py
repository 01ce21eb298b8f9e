"""A company's worker list from XLSX: Wang Wei (admin) uploads Hengda's list after
confirming each worker agreed to the privacy notice; every bad row is named and then
nothing is saved; Wu Gang, already registered, is updated instead of doubled. Sun Hao
(safety officer) may look at the company but not import."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import tenant_context
from openpyxl import Workbook, load_workbook

from safeloop.contractors import services
from safeloop.contractors.models import (
    ContractorWorker,
    Crew,
    PrivacyConsent,
    SpecialCertificate,
)
from safeloop.contractors.services import crew_xlsx, worker_sheet
from safeloop.contractors.validators import id_check_char
from safeloop.tenants.audit.models import AuditEvent
from tests.contractors.conftest import WU_ID, WU_MASKED, consent

HEADERS = [
    "姓名",
    "身份证号",
    "手机号",
    "工种",
    "班组",
    "特种作业类型",
    "证号",
    "发证机关",
    "有效期至",
]
NEXT_YEAR = date.today() + timedelta(days=365)


def an_id(serial: int, born: str = "19850312") -> str:
    """A valid ID number (Beijing Dongcheng), different for each ``serial``."""
    first17 = f"110101{born}{serial:03d}"
    return first17 + id_check_char(first17)


LI_ID, ZHAO_ID, QIAN_ID = an_id(11), an_id(23), an_id(35)
GOOD_ROWS = [
    ["李强", LI_ID, "13700137001", "焊工、高处作业", "钢结构一班", "焊接与热切割作业", "T-001",
     "北京市应急管理局", NEXT_YEAR],
    ["赵磊", ZHAO_ID, 13700137002, "electrician, general", "钢结构一班", "", "", "", ""],
    ["钱多", QIAN_ID, "", "架子工", "", "电工", "D-9", "河北省应急管理厅",
     NEXT_YEAR.isoformat()],
]  # fmt: skip


def xlsx(rows, headers=HEADERS, name="花名册.xlsx", extra_header=None) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    if extra_header:
        sheet.append(extra_header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def refusal(exc_info) -> list[tuple[int | None, str, str]]:
    return [(p.row, p.field, p.code) for p in exc_info.value.problems]


def test_a_good_list_registers_every_worker_with_crews_certificates_and_consent(wang, hengda):
    result = services.import_workers(
        hengda, xlsx(GOOD_ROWS), by=wang, consent=consent(ip="10.0.0.9")
    )

    assert (result.added, result.updated, result.crews_created) == (3, 0, ["钢结构一班"])
    li = ContractorWorker.objects.get(name="李强")
    assert li.work_types == ["welder", "height"] and li.crew.name == "钢结构一班"
    assert li.id_number_masked == LI_ID[:3] + "*" * 11 + LI_ID[-4:]
    assert services.unmasked_id(li, by=wang) == LI_ID
    (cert,) = li.certificates.all()
    assert (cert.kind, cert.number, cert.valid_until) == ("welding", "T-001", NEXT_YEAR)
    zhao = ContractorWorker.objects.get(name="赵磊")
    assert zhao.phone == "13700137002" and zhao.work_types == ["electrician", "general"]
    assert ContractorWorker.objects.get(name="钱多").certificates.get().kind == "electrical"
    assert PrivacyConsent.objects.filter(ip="10.0.0.9").count() == 3
    imported = AuditEvent.objects.get(verb="contractors.workers_imported")
    assert imported.data["added"] == 3 and imported.actor_id == wang.pk
    assert AuditEvent.objects.filter(verb="contractors.worker_registered").count() == 3


def test_a_worker_registered_before_is_updated_not_doubled(wang, hengda, wu):
    rows = [["吴刚", WU_ID.lower(), "13900139000", "电工", "", "", "", "", ""], *GOOD_ROWS[:1]]

    result = services.import_workers(hengda, xlsx(rows), by=wang, consent=consent())

    assert (result.added, result.updated) == (1, 1)
    assert [r.added for r in result.rows] == [False, True]
    assert ContractorWorker.objects.filter(name="吴刚").count() == 1
    assert ContractorWorker.objects.get(pk=wu.pk).work_types == ["welder", "electrician"]
    again = services.import_workers(hengda, xlsx(rows), by=wang, consent=consent())
    assert (again.added, again.updated) == (0, 2)
    assert ContractorWorker.objects.count() == 2


def test_every_bad_row_is_named_with_its_column_and_nothing_is_saved(wang, hengda, wu):
    yesterday = date.today() - timedelta(days=1)
    rows = [
        GOOD_ROWS[0],  # row 2: fine, but must not be saved either
        ["", an_id(41), "", "", "", "", "", "", ""],  # row 3: no name
        ["孙悟", LI_ID[:-1] + ("0" if LI_ID[-1] != "0" else "1"), "", "", "", "", "", "", ""],
        ["周全", an_id(52), "", "焊工、潜水员", "", "", "", "", ""],  # row 5
        ["吴刚", WU_ID, "", "", "", "焊接与热切割作业", "T-9", "应急局", yesterday],  # row 6
        ["李强二", LI_ID, "", "", "", "", "", "", ""],  # row 7: same ID as row 2
        ["郑和", an_id(63), "", "", "", "焊工证", "", "应急局", "明年"],  # row 8
    ]

    with pytest.raises(services.WorkerListError) as refused:
        services.import_workers(hengda, xlsx(rows), by=wang, consent=consent())

    assert refusal(refused) == [
        (3, "name", "required"),
        (4, "id_number", "check_digit"),
        (5, "work_types", "unknown_work_type"),
        (6, "cert_valid_until", "expired"),
        (7, "id_number", "duplicate"),
        (8, "cert_number", "required"),
        (8, "cert_valid_until", "required"),
    ]
    messages = [str(p) for p in refused.value.problems]
    assert messages[2].startswith("第 5 行") or messages[2].startswith("Row 5")
    assert "潜水员" in messages[2]
    assert "row 2" in messages[4] or "第 2 行" in messages[4]
    assert LI_ID not in " ".join(messages) and WU_ID not in " ".join(messages)
    assert ContractorWorker.objects.count() == 1 and not Crew.objects.exists()
    assert not SpecialCertificate.objects.exists()
    assert not AuditEvent.objects.filter(verb="contractors.workers_imported").exists()


def test_a_refusal_while_saving_rolls_back_the_rows_saved_before_it(wang, hengda, wu):
    # A caller without a manager (by=None, like the public gate link) may not take over
    # Wu Gang's record with another phone: found only when his row is saved, after
    # Li Qiang's row was.
    rows = [GOOD_ROWS[0], ["吴刚", WU_ID, "13500000000", "", "", "", "", "", ""]]

    with pytest.raises(services.WorkerListError) as refused:
        services.import_worker_list(hengda, xlsx(rows), by=None, consent=consent())

    assert refusal(refused) == [(3, "phone", "invalid")]
    assert list(ContractorWorker.objects.values_list("name", flat=True)) == ["吴刚"]
    assert not Crew.objects.exists() and not SpecialCertificate.objects.exists()


def test_a_blacklisted_company_cannot_import_a_list(wang, hengda):
    services.blacklist_company(hengda, by=wang, reason="挂靠资质")

    with pytest.raises(services.WorkerListError) as refused:
        services.import_workers(hengda, xlsx(GOOD_ROWS), by=wang, consent=consent())

    assert refusal(refused) == [(None, "company", "blacklisted")]
    assert not ContractorWorker.objects.exists()


def test_an_english_second_header_row_and_english_headers_are_understood(wang, hengda):
    english = ["name", "ID number", "phone", "work types", "crew"]
    rows = [["李强", LI_ID, "137", "Welder", "Crew 1"]]

    with_second_row = services.import_workers(
        hengda, xlsx(rows, headers=HEADERS[:5], extra_header=english), by=wang, consent=consent()
    )
    only_english = services.import_workers(
        hengda, xlsx(rows, headers=english), by=wang, consent=consent()
    )

    assert (with_second_row.added, only_english.updated) == (1, 1)
    assert ContractorWorker.objects.get().work_types == ["welder"]


def test_an_id_number_excel_turned_into_a_number_is_refused_for_what_it_is(wang, hengda):
    rows = [["李强", float(LI_ID), "", "", ""]]

    with pytest.raises(services.WorkerListError) as refused:
        services.import_workers(hengda, xlsx(rows, headers=HEADERS[:5]), by=wang, consent=consent())

    assert refusal(refused) == [(2, "id_number", "number_cell")]
    assert "文本" in str(refused.value.problems[0]) or "text" in str(refused.value.problems[0])


def test_the_importer_must_confirm_the_workers_consent(wang, hengda):
    with pytest.raises(services.WorkerListError) as refused:
        services.import_workers(hengda, xlsx(GOOD_ROWS), by=wang, consent=None)

    assert refusal(refused) == [(None, "consent", "consent_required")]
    assert not ContractorWorker.objects.exists()


def test_too_many_rows_too_large_or_no_workbook_is_refused_with_a_clear_message(
    wang, hengda, monkeypatch
):
    monkeypatch.setattr(worker_sheet, "MAX_ROWS", 2)
    with pytest.raises(services.WorkerListError) as too_many:
        services.import_workers(hengda, xlsx(GOOD_ROWS), by=wang, consent=consent())
    assert refusal(too_many) == [(None, "file", "too_many_rows")]
    assert "2" in str(too_many.value.problems[0])

    big = SimpleUploadedFile("big.xlsx", b"PK" + b"0" * (2 * 1024 * 1024))
    with pytest.raises(services.WorkerListError) as too_large:
        services.import_workers(hengda, big, by=wang, consent=consent())
    assert refusal(too_large) == [(None, "file", "too_large")]
    assert "2 MB" in str(too_large.value.problems[0])

    with pytest.raises(services.WorkerListError) as not_xlsx:
        services.import_workers(
            hengda, SimpleUploadedFile("list.csv", "姓名,身份证号\n".encode()), by=wang,
            consent=consent()
        )  # fmt: skip
    assert refusal(not_xlsx) == [(None, "file", "invalid_file")]
    assert not ContractorWorker.objects.exists()


def test_the_safety_officer_may_not_import(hengda, sun):
    with pytest.raises(PermissionDenied):
        services.import_workers(hengda, xlsx(GOOD_ROWS), by=sun, consent=consent())
    assert not ContractorWorker.objects.exists()


def test_a_caller_that_settled_who_may_import_can_keep_to_the_crews_on_file(wang, hengda, wu):
    # Wu Gang leads 钢结构一班. The crew leads' portal will call the import without the
    # manager's permission, say who imported in the audit trail, and create no crews.
    services.create_crew(hengda, by=wang, name="钢结构一班", lead=wu)
    rows = [GOOD_ROWS[0], ["钱多", QIAN_ID, "", "", "钢结构二班"]]

    with pytest.raises(services.WorkerListError) as refused:
        services.import_worker_list(
            hengda, xlsx(rows), by=None, consent=consent(), create_crews=False, crew_lead=wu.pk
        )
    assert refusal(refused) == [(3, "crew", "unknown_crew")]

    result = services.import_worker_list(
        hengda, xlsx(rows[:1]), by=None, consent=consent(), create_crews=False, crew_lead=wu.pk
    )
    assert result.added == 1 and Crew.objects.count() == 1
    imported = AuditEvent.objects.get(verb="contractors.workers_imported")
    assert imported.actor_id is None and imported.data["crew_lead"] == wu.pk


def test_the_template_has_chinese_headers_with_english_comments_and_imports_empty(wang, hengda):
    sheet = load_workbook(io.BytesIO(crew_xlsx.template_file())).worksheets[0]

    assert [c.value for c in sheet[1]] == HEADERS
    assert "ID number" in sheet["B1"].comment.text
    assert sheet["B2"].number_format == "@"
    with pytest.raises(services.WorkerListError) as refused:
        services.import_workers(
            hengda,
            SimpleUploadedFile("t.xlsx", crew_xlsx.template_file()),
            by=wang,
            consent=consent(),
        )
    assert refusal(refused) == [(None, "file", "empty")]


# --- The page ----------------------------------------------------------------------


def test_wang_uploads_the_list_on_the_company_page_and_reads_added_and_updated(as_wang, hengda, wu):
    url = reverse("contractors:workers_import", args=[hengda.pk])
    company_page = as_wang.get(reverse("contractors:company", args=[hengda.pk])).content.decode()
    assert url in company_page
    page = as_wang.get(url).content.decode()
    assert 'data-testid="privacy-notice"' in page
    assert reverse("contractors:workers_template") in page
    template = as_wang.get(reverse("contractors:workers_template"))
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")

    rows = [["吴刚", WU_ID, "13900139000", "", "", "", "", "", ""], *GOOD_ROWS]
    without_consent = as_wang.post(url, {"file": xlsx(rows)})
    assert without_consent.status_code == 400
    assert ContractorWorker.objects.count() == 1

    response = as_wang.post(url, {"file": xlsx(rows), "consent": "on"})
    assert response.status_code == 200, response.content.decode()[-3000:]
    html = response.content.decode()
    assert 'data-testid="import-result"' in html
    assert "新增 3 人" in html and "更新 1 人" in html
    assert WU_MASKED in html and WU_ID not in html
    assert ContractorWorker.objects.count() == 4
    assert PrivacyConsent.objects.filter(ip="127.0.0.1").count() == 4


def test_a_bad_list_shows_a_table_of_rows_and_columns_and_the_missing_consent(as_wang, hengda):
    url = reverse("contractors:workers_import", args=[hengda.pk])
    rows = [GOOD_ROWS[0], ["", an_id(41), "", "", ""], ["李强二", LI_ID, "", "", ""]]

    response = as_wang.post(url, {"file": xlsx(rows)})

    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('data-testid="import-problem"') == 2
    assert 'id="id_consent_error"' in html  # beside the box, with the rows
    assert "姓名" in html and "身份证号" in html and LI_ID not in html
    assert not ContractorWorker.objects.exists()


def test_the_safety_officer_has_no_import_page_and_globex_no_acme_company(
    as_sun, hengda, as_chen, globex
):
    url = reverse("contractors:workers_import", args=[hengda.pk])
    assert as_sun.get(url).status_code == 403
    assert url not in as_sun.get(reverse("contractors:company", args=[hengda.pk])).content.decode()
    with tenant_context(globex):
        assert as_chen.get(url).status_code == 404
