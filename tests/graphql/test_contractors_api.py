"""Contractors and suppliers over GraphQL, and the outsiders' own API scope.

Acme has two contractor companies: Hengda Construction (恒达建设), whose crew lead
Zhao Gang (赵刚) leads the roof crew with Wu Gang the welder, and Yongxin Electric
(永信电气) with its electrician Lin Tao. Two suppliers report every month: Huatai
Steel (华泰钢材) and Dongfang Paints (东方涂料). Zhao Gang and Huatai each hold an API
token a manager issued; with it Zhao sees Hengda and nothing else, Huatai sees its
own row and reports and nothing else, and neither sees Acme's people, areas or
hazards. Wang (admin) manages contractors; Zhang (operator) may not; Sun (safety
officer) looks and checks passes at the gate. Nobody reads a full ID number here.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context
from strawberry import relay

from safeloop.access import Role
from safeloop.contractors import services
from safeloop.contractors.models import (
    ContractorWorker,
    GateEvent,
    PassStatus,
    ReportStatus,
    SitePass,
    SpecialCertificate,
)
from safeloop.contractors.services.induction import ensure_person
from safeloop.contractors.validators import credit_code_check_char, id_check_char
from safeloop.graphql.nodes import global_id
from safeloop.tenants.audit.models import AuditEvent
from tests.contractors.conftest import HENGDA_CODE, OTHER_CODE, WU_ID, WU_MASKED, consent
from tests.graphql.conftest import post, run
from tests.graphql.test_query_counts import PER_REQUEST

pytestmark = pytest.mark.django_db

HUATAI_CODE = "91350100MA0000017" + credit_code_check_char("91350100MA0000017")
DONGFANG_CODE = "91350100MA0000025" + credit_code_check_char("91350100MA0000025")


def an_id(serial: int) -> str:
    first17 = f"11010119850312{serial:03d}"
    return first17 + id_check_char(first17)


ZHAO_GANG_ID, LIN_ID = an_id(11), an_id(23)

WORKERS = """
query ($filters: ContractorWorkerFilter) {
  contractorWorkers(filters: $filters) {
    totalCount
    edges { node {
      id name idNumberMasked workTypes isBlacklisted
      company { name status }
      crew { name lead { name } }
      certificates { kind number validUntil expiry }
      sitePass { number status reason validUntil isOnSite zones { code } }
    } }
  }
}
"""
# workers with their total count, companies, crews, crew leads, certificates, passes, zones
WORKER_QUERIES = PER_REQUEST + 7
COMPANIES = "{ contractorCompanies { totalCount edges { node { id name crews { name } "
COMPANIES += "workers { name } projects { name } } } } }"
CREWS = "{ crews { edges { node { name company { name } } } } }"
PASSES = "{ sitePasses { totalCount edges { node { number status reason worker { name } } } } }"
CERTIFICATES = "{ specialCertificates { edges { node { number worker { name } } } } }"
GATE_EVENTS = "{ gateEvents { edges { node { allowed reason company { name } } } } }"
SUPPLIERS = "{ suppliers { edges { node { id name } } } }"
REPORTS = """
{ supplierReports { totalCount edges { node {
  id status period formTitle supplier { name }
  answers { itemId position text result comment reviewerComment attachments { fileName } }
} } } }
"""
# reports with their total count and forms, suppliers, answers with items, attachments
REPORT_QUERIES = PER_REQUEST + 4
EMPLOYEES = """
{ people { edges { node { employeeNo } } }
  areas { totalCount }
  hazards { totalCount }
  riskPoints { totalCount } }
"""
WORKER = "query ($id: ID!) { contractorWorker(id: $id) { name idNumberMasked } }"
REPORT = "query ($id: ID!) { supplierReport(id: $id) { status supplier { name } } }"
ON_SITE = "{ onSiteNow { companyName gateName count } }"

REVOKE = """
mutation ($input: RevokeSitePassInput!) {
  revokeSitePass(input: $input) {
    sitePass { status reason } errors { field code message }
  }
}
"""
REINSTATE = """
mutation ($input: SitePassIdInput!) {
  reinstateSitePass(input: $input) { sitePass { status } errors { field code message } }
}
"""
BLACKLIST = """
mutation ($input: BlacklistWorkerInput!) {
  blacklistContractorWorker(input: $input) {
    worker { isBlacklisted blacklistReason sitePass { status reasonCode } }
    errors { field code message }
  }
}
"""
GATE_CHECK = """
mutation ($input: GateCheckInput!) {
  gateCheck(input: $input) {
    allowed reasons sitePass { number } event { allowed direction }
    errors { field code message }
  }
}
"""
SUBMIT = """
mutation ($input: SubmitSupplierReportInput!) {
  submitSupplierReport(input: $input) {
    report { id status answers { result comment } } errors { field code message }
  }
}
"""
REVIEW = """
mutation ($input: ReviewSupplierReportInput!) {
  reviewSupplierReport(input: $input) {
    report { status answers { itemId reviewerComment } } errors { field code message }
  }
}
"""


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def names(data: dict, field: str) -> list[str]:
    return sorted(edge["node"]["name"] for edge in data[field]["edges"])


def gid(type_name: str, row) -> str:
    return global_id(type_name, row)


def errors_of(payload: dict) -> list[tuple[str | None, str]]:
    return [(error["field"], error["code"]) for error in payload["errors"]]


def register(company, by, name: str, number: str, work_types=("general",), crew=None):
    return services.register_worker(
        company,
        by=by,
        name=name,
        id_number_value=number,
        consent=consent(),
        phone="13900139000",
        work_types=list(work_types),
        crew=crew,
    ).worker


def issue_pass(worker: ContractorWorker, number: str) -> SitePass:
    return SitePass.objects.create(
        worker=worker, number=number, valid_until=date.today() + timedelta(days=90)
    )


@pytest.fixture
def cast(wang):
    """Hengda with its roof crew (lead Zhao Gang, welder Wu Gang), Yongxin with Lin Tao;
    each worker holds a pass; Wu has a welding certificate."""
    hengda = services.create_company(by=wang, name="恒达建设有限公司", credit_code=HENGDA_CODE)
    yongxin = services.create_company(by=wang, name="永信电气有限公司", credit_code=OTHER_CODE)
    crew = services.create_crew(hengda, by=wang, name="屋面班")
    zhao_gang = register(hengda, wang, "赵刚", ZHAO_GANG_ID, crew=crew)
    wu = register(hengda, wang, "吴刚", WU_ID, ["welder"], crew=crew)
    lin = register(yongxin, wang, "林涛", LIN_ID, ["electrician"])
    services.set_crew_lead(crew, by=wang, lead=zhao_gang)
    SpecialCertificate.objects.create(
        worker=wu,
        kind="welding",
        number="T-001",
        issuer="北京市应急管理局",
        valid_until=date.today() + timedelta(days=7),
    )
    passes = {w.name: issue_pass(w, f"P-{n}") for n, w in enumerate([zhao_gang, wu, lin])}
    services.create_project(
        yongxin,
        by=wang,
        name="配电室改造",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=30),
        responsible=wang.person,
    )
    lead_person = ensure_person(zhao_gang, role=Role.CREW_LEAD)
    _token, secret = services.issue_outsider_token(lead_person, by=wang, name="班组系统")
    return {
        "hengda": hengda,
        "yongxin": yongxin,
        "wu": wu,
        "lin": lin,
        "passes": passes,
        "lead_person": lead_person,
        "lead_secret": secret,
    }


@pytest.fixture
def suppliers(wang):
    """Huatai and Dongfang, each with this month's report on a two-item checklist;
    Huatai's account holds an API token."""
    services.set_form(by=wang, title="供应商月度安全自查表", items=["消防通道畅通", "特种设备年检"])
    huatai = services.create_supplier(by=wang, name="华泰钢材", credit_code=HUATAI_CODE)
    dongfang = services.create_supplier(by=wang, name="东方涂料", credit_code=DONGFANG_CODE)
    account = services.create_supplier_account(huatai, by=wang)
    _token, secret = services.issue_outsider_token(account, by=wang, name="ERP")
    return {
        "huatai": huatai,
        "dongfang": dongfang,
        "huatai_report": services.open_report(huatai),
        "dongfang_report": services.open_report(dongfang),
        "huatai_account": account,
        "huatai_secret": secret,
    }


def queries_for(client, query: str, **headers) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as captured:
        data = run(client, query, **headers)
    return data, len([q for q in captured.captured_queries if not q["sql"].startswith("SET ")])


# --- Reading, in a fixed number of queries ------------------------------------------------


@pytest.mark.parametrize("rows", [2, 20])
def test_worker_list_takes_a_fixed_number_of_queries(as_wang, wang, cast, rows):
    crew = cast["wu"].crew
    for n in range(rows):
        worker = register(cast["hengda"], wang, f"QC工人{n}", an_id(100 + n), crew=crew)
        SpecialCertificate.objects.create(
            worker=worker, kind="height", number=f"H-{n}", issuer="应急局", valid_until=date.today()
        )
        issue_pass(worker, f"QC-{n}")

    with CaptureQueriesContext(connection) as captured:
        data = run(as_wang, WORKERS, {"filters": {"search": "QC"}})
    queries = [q for q in captured.captured_queries if not q["sql"].startswith("SET ")]

    assert data["contractorWorkers"]["totalCount"] == rows
    assert len(queries) == WORKER_QUERIES, [q["sql"][:90] for q in queries]
    node = data["contractorWorkers"]["edges"][0]["node"]
    assert node["company"]["name"] == "恒达建设有限公司" and node["crew"]["lead"]["name"] == "赵刚"
    assert node["certificates"][0]["expiry"] == "EXPIRING"
    assert node["sitePass"]["status"] == "ACTIVE" and node["idNumberMasked"].startswith("110***")


@pytest.mark.parametrize("rows", [2, 20])
def test_supplier_reports_take_a_fixed_number_of_queries(as_wang, wang, rows):
    services.set_form(by=wang, title="自查表", items=["消防通道畅通", "特种设备年检"])
    for n in range(rows):
        code = f"91350100MA{n:07d}"
        supplier = services.create_supplier(
            by=wang, name=f"QC供应商{n}", credit_code=code + credit_code_check_char(code)
        )
        services.open_report(supplier)

    data, queries = queries_for(as_wang, REPORTS)

    assert data["supplierReports"]["totalCount"] == rows
    assert queries == REPORT_QUERIES
    answers = data["supplierReports"]["edges"][0]["node"]["answers"]
    assert [(a["position"], a["text"]) for a in answers] == [
        (1, "消防通道畅通"),
        (2, "特种设备年检"),
    ]


# --- The crew lead's token: their own company only ----------------------------------------


def test_crew_lead_token_sees_only_its_own_company(acme_client, cast):
    token = bearer(cast["lead_secret"])

    assert names(run(acme_client, COMPANIES, **token), "contractorCompanies") == [
        "恒达建设有限公司"
    ]
    assert names(run(acme_client, WORKERS, **token), "contractorWorkers") == ["吴刚", "赵刚"]
    assert names(run(acme_client, CREWS, **token), "crews") == ["屋面班"]
    passes = run(acme_client, PASSES, **token)["sitePasses"]["edges"]
    assert sorted(e["node"]["worker"]["name"] for e in passes) == ["吴刚", "赵刚"]
    certificates = run(acme_client, CERTIFICATES, **token)["specialCertificates"]["edges"]
    assert [e["node"]["number"] for e in certificates] == ["T-001"]
    # Yongxin's project and its worker never resolve, by list or by ID.
    projects = run(acme_client, "{ contractorProjects { totalCount } }", **token)
    assert projects["contractorProjects"]["totalCount"] == 0
    lin = run(acme_client, WORKER, {"id": gid("ContractorWorker", cast["lin"])}, **token)
    assert lin["contractorWorker"] is None
    assert run(acme_client, SUPPLIERS, **token)["suppliers"]["edges"] == []


def test_crew_lead_token_sees_nothing_of_the_enterprise(acme_client, cast):
    data = run(acme_client, EMPLOYEES, **bearer(cast["lead_secret"]))

    # Only their own person record: no employee, area, hazard or risk point.
    people = [e["node"]["employeeNo"] for e in data["people"]["edges"]]
    assert people == [cast["lead_person"].employee_no]
    assert data["areas"]["totalCount"] == 0
    assert data["hazards"]["totalCount"] == 0
    assert data["riskPoints"]["totalCount"] == 0
    zones = run(acme_client, WORKERS, **bearer(cast["lead_secret"]))["contractorWorkers"]
    assert all(e["node"]["sitePass"]["zones"] == [] for e in zones["edges"])


def test_crew_lead_cannot_revoke_or_check_passes(acme_client, cast):
    token = bearer(cast["lead_secret"])
    wu_pass = cast["passes"]["吴刚"]

    revoked = run(
        acme_client, REVOKE, {"input": {"id": gid("SitePass", wu_pass), "reason": "x"}}, **token
    )["revokeSitePass"]
    checked = run(acme_client, GATE_CHECK, {"input": {"token": wu_pass.token}}, **token)

    assert errors_of(revoked) == [(None, "permission_denied")]
    assert errors_of(checked["gateCheck"]) == [(None, "permission_denied")]
    assert SitePass.objects.get(pk=wu_pass.pk).status == PassStatus.ACTIVE
    assert not GateEvent.objects.exists()


def test_only_a_manager_issues_outsider_tokens_and_only_to_outsiders(zhang, wang, cast):
    lead_person = cast["lead_person"]

    with pytest.raises(PermissionDenied):
        services.issue_outsider_token(lead_person, by=zhang, name="x")
    with pytest.raises(ValidationError) as refused:
        services.issue_outsider_token(zhang.person, by=wang, name="x")

    assert refused.value.error_dict.keys() == {"person"}
    assert AuditEvent.objects.filter(verb="contractors.outsider_token_issued").count() == 1


# --- The supplier's token: its own row and reports only ----------------------------------


def test_supplier_token_sees_only_its_own_row_and_reports(acme_client, cast, suppliers):
    token = bearer(suppliers["huatai_secret"])

    assert names(run(acme_client, SUPPLIERS, **token), "suppliers") == ["华泰钢材"]
    reports = run(acme_client, REPORTS, **token)["supplierReports"]
    assert [e["node"]["supplier"]["name"] for e in reports["edges"]] == ["华泰钢材"]
    other = run(
        acme_client, REPORT, {"id": gid("SupplierReport", suppliers["dongfang_report"])}, **token
    )
    assert other["supplierReport"] is None
    for query, field in [(COMPANIES, "contractorCompanies"), (WORKERS, "contractorWorkers")]:
        assert run(acme_client, query, **token)[field]["totalCount"] == 0
    data = run(acme_client, EMPLOYEES, **token)
    people = [e["node"]["employeeNo"] for e in data["people"]["edges"]]
    assert people == [suppliers["huatai_account"].employee_no]
    assert data["areas"]["totalCount"] == data["hazards"]["totalCount"] == 0


def test_supplier_submits_its_report_and_the_manager_returns_then_accepts_it(
    acme_client, as_wang, suppliers
):
    token = bearer(suppliers["huatai_secret"])
    report = suppliers["huatai_report"]
    items = list(report.answers.order_by("item__position").values_list("item_id", flat=True))

    # given: one item unanswered: refused, nothing saved
    refused = run(
        acme_client,
        SUBMIT,
        {"input": {"answers": [{"itemId": items[0], "result": "OK"}]}},
        **token,
    )["submitSupplierReport"]
    assert errors_of(refused) == [("items", "incomplete")]
    assert not report.answers.exclude(result="").exists()

    answers = [{"itemId": i, "result": "OK", "comment": "已检查"} for i in items]
    submitted = run(acme_client, SUBMIT, {"input": {"answers": answers}}, **token)
    assert submitted["submitSupplierReport"]["report"]["status"] == "SUBMITTED"

    # when: the manager returns it with a comment on the second item
    review = {"id": gid("SupplierReport", report), "accept": False}
    returned = run(
        as_wang,
        REVIEW,
        {"input": {**review, "comments": [{"itemId": items[1], "comment": "缺年检报告"}]}},
    )["reviewSupplierReport"]
    assert returned["report"]["status"] == "RETURNED"

    # then: the supplier reads the comment, and resubmits
    seen = run(acme_client, REPORTS, **token)["supplierReports"]["edges"][0]["node"]
    assert [a["reviewerComment"] for a in seen["answers"]] == ["", "缺年检报告"]
    again = run(acme_client, SUBMIT, {"input": {"report": seen["id"]}}, **token)
    assert again["submitSupplierReport"]["report"]["status"] == "SUBMITTED"
    accepted = run(as_wang, REVIEW, {"input": {**review, "accept": True}})
    assert accepted["reviewSupplierReport"]["report"]["status"] == "ACCEPTED"
    assert report.__class__.objects.get(pk=report.pk).status == ReportStatus.ACCEPTED


def test_supplier_cannot_resubmit_another_suppliers_report_or_review(acme_client, suppliers):
    token = bearer(suppliers["huatai_secret"])
    other = gid("SupplierReport", suppliers["dongfang_report"])

    submitted = run(acme_client, SUBMIT, {"input": {"report": other}}, **token)
    reviewed = run(acme_client, REVIEW, {"input": {"id": other, "accept": True}}, **token)

    assert errors_of(submitted["submitSupplierReport"]) == [("report", "not_found")]
    assert errors_of(reviewed["reviewSupplierReport"]) == [("id", "not_found")]


def test_returning_a_report_without_a_comment_names_the_field(as_wang, suppliers):
    report = suppliers["huatai_report"]
    report.answers.update(result="ok")
    services.submit_report(report, supplier=suppliers["huatai"])

    payload = run(
        as_wang, REVIEW, {"input": {"id": gid("SupplierReport", report), "accept": False}}
    )["reviewSupplierReport"]

    assert errors_of(payload) == [("comments", "comment_required")]


# --- ID numbers are never unmasked --------------------------------------------------------


def test_no_response_holds_a_full_id_number(acme_client, as_wang, cast):
    documents = [WORKERS, COMPANIES, PASSES, CERTIFICATES, CREWS]
    clear = [WU_ID, ZHAO_GANG_ID, LIN_ID]

    for client, headers in [(as_wang, {}), (acme_client, bearer(cast["lead_secret"]))]:
        for document in documents:
            text = post(client, document, **headers).content.decode()
            assert not any(number in text for number in clear), document
    assert WU_MASKED in post(as_wang, WORKERS).content.decode()
    # Reading lists reveals nothing, so nothing is written to the audit trail as revealed.
    assert not AuditEvent.objects.filter(verb="contractors.id_number_revealed").exists()


# --- Other enterprises --------------------------------------------------------------------


def test_other_enterprises_ids_and_lists_never_resolve(as_wang, as_chen, globex, cast):
    wu_here = gid("ContractorWorker", cast["wu"])
    other_schema = str(relay.GlobalID("ContractorWorker", f"globex.{cast['wu'].pk}"))

    assert run(as_wang, WORKER, {"id": other_schema})["contractorWorker"] is None
    with tenant_context(globex):
        data = run(as_chen, WORKERS)
        assert data["contractorWorkers"]["totalCount"] == 0
        assert run(as_chen, WORKER, {"id": wu_here})["contractorWorker"] is None
    assert run(as_wang, WORKER, {"id": wu_here})["contractorWorker"]["name"] == "吴刚"


# --- Managers' decisions and the gate -----------------------------------------------------


def test_manager_revokes_and_reinstates_a_pass_audited(as_wang, cast):
    wu_pass = gid("SitePass", cast["passes"]["吴刚"])

    revoked = run(as_wang, REVOKE, {"input": {"id": wu_pass, "reason": "违章动火"}})
    assert revoked["revokeSitePass"]["sitePass"] == {"status": "REVOKED", "reason": "违章动火"}
    run(as_wang, REINSTATE, {"input": {"id": wu_pass}})

    verbs = list(
        AuditEvent.objects.filter(verb__startswith="contractors.pass_").values_list(
            "verb", flat=True
        )
    )
    assert {"contractors.pass_revoked", "contractors.pass_reinstated"} <= set(verbs)


def test_revoking_without_a_reason_names_the_field(as_wang, cast):
    payload = run(
        as_wang, REVOKE, {"input": {"id": gid("SitePass", cast["passes"]["吴刚"]), "reason": " "}}
    )["revokeSitePass"]

    assert errors_of(payload) == [("reason", "required")]
    assert SitePass.objects.get(pk=cast["passes"]["吴刚"].pk).status == PassStatus.ACTIVE


def test_operator_may_not_blacklist_a_worker(as_zhang, cast):
    payload = run(
        as_zhang, BLACKLIST, {"input": {"id": gid("ContractorWorker", cast["wu"]), "reason": "x"}}
    )["blacklistContractorWorker"]

    # Zhang sees no contractors at all: the worker is not found for him.
    assert errors_of(payload) == [("id", "not_found")]
    assert ContractorWorker.objects.get(pk=cast["wu"].pk).blacklisted_at is None


def test_manager_blacklists_a_worker_and_the_gate_shows_red(as_wang, cast):
    blacklisted = run(
        as_wang,
        BLACKLIST,
        {"input": {"id": gid("ContractorWorker", cast["wu"]), "reason": "多次违章"}},
    )["blacklistContractorWorker"]
    assert blacklisted["errors"] == [] and blacklisted["worker"]["isBlacklisted"] is True

    # Wang checks passes at the gate too (contractors.gate_check).
    checked = run(as_wang, GATE_CHECK, {"input": {"token": cast["passes"]["吴刚"].token}})
    verdict = checked["gateCheck"]

    assert verdict["allowed"] is False and any("多次违章" in r for r in verdict["reasons"])
    assert verdict["event"] == {"allowed": False, "direction": "IN"}


def test_unknown_token_at_the_gate_is_red_and_logged(as_sun, sun, cast):
    verdict = run(as_sun, GATE_CHECK, {"input": {"token": "forged-token"}})["gateCheck"]

    assert verdict["allowed"] is False and verdict["sitePass"] is None
    assert GateEvent.objects.get().by == sun
    assert run(as_sun, ON_SITE)["onSiteNow"] == []
