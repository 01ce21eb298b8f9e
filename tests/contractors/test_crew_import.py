"""A crew lead's worker list from the crew leads' portal. Wu Gang, Hengda's welder, leads
钢结构一班 and registers his crew from an XLSX list on his phone, confirming each worker
agreed to the privacy notice. Hu Jun works for Hengda in 钢结构一班 but leads no crew.
Feng Yi leads Lida's crew 安装二班, with Lida's worker Gao Lin, whose ID number Wu must
not be able to pull into Hengda; Hengda's 木工班 is led by nobody Wu knows of.

Every bad row is named with its row and column, and then nothing is saved."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from safeloop.contractors import services
from safeloop.contractors.models import ContractorWorker, PrivacyConsent
from safeloop.contractors.services import crew_portal
from safeloop.contractors.validators import id_check_char
from safeloop.tenants.audit.models import AuditEvent
from tests.contractors.conftest import OTHER_CODE, consent

pytestmark = pytest.mark.django_db

IMPORT = "/p/crew/import/"
TEMPLATE = "/p/crew/import/template.xlsx"
HEADERS = ["姓名", "身份证号", "手机号", "工种", "班组"]


def an_id(serial: int, born: str = "19880606") -> str:
    first17 = f"110101{born}{serial:03d}"
    return first17 + id_check_char(first17)


GAO_ID = an_id(77, "19810404")
ROWS = [
    ["李强", an_id(11), "13700137001", "焊工", "钢结构一班"],
    ["赵磊", an_id(23), "13700137002", "电工", ""],
    ["钱多", an_id(35), "", "架子工", ""],
]


def _wrong_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def xlsx(rows, name="班组名单.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def _worker(company, wang, name, id_number, phone="", crew=None):
    return services.register_worker(
        company,
        by=wang,
        name=name,
        id_number_value=id_number,
        consent=consent(),
        phone=phone,
        crew=crew,
    ).worker


@pytest.fixture
def steel(hengda, wang, wu):
    crew = services.create_crew(hengda, by=wang, name="钢结构一班")
    crew_portal.give_crew_lead_access(crew, by=wang, lead=wu)
    return crew


@pytest.fixture
def lida(wang):
    return services.create_company(by=wang, name="力达机电安装", credit_code=OTHER_CODE)


@pytest.fixture
def gao_lin(lida, wang):
    feng = _worker(lida, wang, "冯毅", an_id(66, "19800303"), phone="13700137000")
    crew = services.create_crew(lida, by=wang, name="安装二班")
    crew_portal.give_crew_lead_access(crew, by=wang, lead=feng)
    return _worker(lida, wang, "高林", GAO_ID, crew=crew)


@pytest.fixture
def as_wu(acme_client, steel, wu):
    wu.refresh_from_db()
    acme_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    acme_client.force_login(wu.person.user)
    return acme_client


def _upload(client, rows, **extra):
    return client.post(IMPORT, {"file": xlsx(rows), "consent": "on", **extra})


def test_wu_imports_three_workers_into_his_crew(as_wu, steel, wu):
    page = as_wu.get(reverse("portal:crew")).content.decode()
    assert IMPORT in page and 'data-testid="crew-import-link"' in page
    form = as_wu.get(IMPORT).content.decode()
    assert "个人信息处理告知" in form and 'data-testid="template-download"' in form

    response = _upload(as_wu, ROWS)

    assert response.status_code == 200
    page = response.content.decode()
    assert "新增 3 人" in page
    added = ContractorWorker.objects.filter(name__in=["李强", "赵磊", "钱多"])
    assert {w.crew_id for w in added} == {steel.pk} and added.count() == 3
    assert {w.company_id for w in added} == {wu.company_id}
    assert PrivacyConsent.objects.filter(worker__in=added).count() == 3
    imported = AuditEvent.objects.get(verb="contractors.workers_imported")
    assert imported.data["via"] == "crew_portal" and imported.data["lead"] == wu.pk
    assert imported.data["added"] == 3 and imported.actor_id == wu.person.user_id
    registered = AuditEvent.objects.filter(verb="contractors.worker_registered", data__row=2)
    assert registered.get().data["via"] == "crew_portal"
    # The same list again updates the three instead of doubling them.
    again = _upload(as_wu, ROWS).content.decode()
    assert 'data-testid="import-updated"' in again
    assert ContractorWorker.objects.filter(name__in=["李强", "赵磊", "钱多"]).count() == 3


def test_the_lead_downloads_a_template_that_lists_his_crews(as_wu):
    response = as_wu.get(TEMPLATE)

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    workbook = load_workbook(io.BytesIO(b"".join(response)))
    assert [c.value for c in workbook.worksheets[0][1]][:5] == HEADERS
    notes = " ".join(str(c.value) for row in workbook.worksheets[1].iter_rows() for c in row)
    assert "钢结构一班" in notes and "自动新建" not in notes


def test_a_bad_row_saves_nothing_and_is_named_with_its_column(as_wu, hengda, wang):
    services.create_crew(hengda, by=wang, name="木工班")
    rows = [
        ROWS[0],
        ["", an_id(41), "", "", ""],  # row 3: no name
        ["周全", an_id(52), "", "", "木工班"],  # row 4: a crew Wu does not lead
        ["孙悟", _wrong_check_digit(an_id(53)), "", "", ""],  # row 5
    ]

    response = _upload(as_wu, rows)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="import-errors"' in page
    problems = page.split('data-testid="import-problems"')[1]
    assert "第 3 行" in problems and "第 4 行" in problems and "第 5 行" in problems
    assert "木工班" in problems and "班组" in problems and "身份证号" in problems
    assert not ContractorWorker.objects.filter(name__in=["李强", "周全"]).exists()
    assert not AuditEvent.objects.filter(verb="contractors.workers_imported").exists()


def test_without_the_consent_nothing_is_saved(as_wu):
    response = as_wu.post(IMPORT, {"file": xlsx(ROWS)})

    assert response.status_code == 400
    assert not ContractorWorker.objects.filter(name="李强").exists()


def test_another_companys_id_number_is_refused_without_naming_it(as_wu, gao_lin, lida):
    rows = [ROWS[0], ["高林", GAO_ID, "13700137009", "电工", ""]]

    response = _upload(as_wu, rows)

    assert response.status_code == 400
    page = response.content.decode()
    problems = page.split('data-testid="import-problems"')[1]
    assert "第 3 行" in problems and "身份证号" in problems
    for secret in ("力达", "安装二班", "冯毅", gao_lin.id_number_masked, GAO_ID):
        assert secret not in page
    gao_lin.refresh_from_db()
    assert gao_lin.company_id == lida.pk and gao_lin.phone == ""
    assert not ContractorWorker.objects.filter(name="李强").exists()


def test_a_worker_of_hengda_in_another_crew_stays_there(as_wu, hengda, wang):
    carpenters = services.create_crew(hengda, by=wang, name="木工班")
    chen = _worker(hengda, wang, "陈木", an_id(88), crew=carpenters)

    response = _upload(as_wu, [["陈木", an_id(88), "", "", ""]])

    assert response.status_code == 400
    assert "木工班" in response.content.decode()
    chen.refresh_from_db()
    assert chen.crew_id == carpenters.pk


def test_a_lead_of_two_crews_chooses_the_crew_for_rows_naming_none(as_wu, hengda, wang, wu):
    night = services.create_crew(hengda, by=wang, name="钢结构夜班")
    crew_portal.give_crew_lead_access(night, by=wang, lead=wu)
    assert 'data-testid="field-crew"' in as_wu.get(IMPORT).content.decode()

    response = _upload(as_wu, ROWS[:2], crew=night.pk)

    assert response.status_code == 200
    assert ContractorWorker.objects.get(name="赵磊").crew_id == night.pk
    assert ContractorWorker.objects.get(name="李强").crew.name == "钢结构一班"


def test_a_worker_who_leads_no_crew_is_turned_away(acme_client, hengda, wang, steel):
    hu = _worker(hengda, wang, "胡军", an_id(90), phone="13600136000", crew=steel)
    person = services.ensure_person(hu)

    assert acme_client.get(IMPORT).status_code == 302
    assert acme_client.get(IMPORT)["Location"] == reverse("portal:crew_login")
    acme_client.force_login(person.user)
    assert acme_client.get(IMPORT).status_code == 403
    assert acme_client.get(TEMPLATE).status_code == 403
    response = acme_client.post(IMPORT, {"file": xlsx(ROWS), "consent": "on"})
    assert response.status_code == 403
    assert not ContractorWorker.objects.filter(name="李强").exists()


def test_an_employee_is_not_a_crew_lead(as_wang):
    assert as_wang.get(IMPORT).status_code == 403


def test_another_enterprise_imports_nothing(globex_client, acme, steel, wu):
    from django_tenants.utils import tenant_context

    response = globex_client.post(IMPORT, {"file": xlsx(ROWS), "consent": "on"})

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:crew_login")
    assert globex_client.get(TEMPLATE).status_code == 302
    with tenant_context(acme):
        assert not ContractorWorker.objects.filter(name="李强").exists()


def test_the_page_speaks_english_to_a_lead_who_reads_it(as_wu, gao_lin):
    as_wu.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = _upload(as_wu, [["高林", GAO_ID, "", "", ""]])

    page = response.content.decode()
    assert "Import my crew's worker list" in page
    assert "Row 2 · ID number" in page and "cannot be added from the crew portal" in page
    assert "力达" not in page
