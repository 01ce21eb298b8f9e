"""The 判定标准 clause through the API: what is on record, what the check proposes,
and a manager's confirm / overrule (permission errors in the payload as elsewhere).

Zhang (operator, W1 of Acme, a metal works) reports a dust collector without
explosion venting; Wang (admin) decides; Chen's hazard at Globex is out of reach.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from safeloop.platform.routing import forget_hosts
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.models import Area, Person
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import ClauseStatus, Grade, Hazard
from tests.graphql.conftest import run
from tests.graphql.test_hazards_mutations import as_user, codes, gid
from tests.graphql.test_query_counts import PER_REQUEST

pytestmark = pytest.mark.django_db

ERRORS = "errors { field code message }"
CLAUSE = "clause { id number text criteria version status reason decidedAt }"
CONFIRM = f"""
mutation ($input: ConfirmHazardClauseInput!) {{
  confirmHazardClause(input: $input) {{ hazard {{ grade clauseStatus {CLAUSE} }} {ERRORS} }}
}}
"""
OVERRULE = f"""
mutation ($input: OverruleHazardClauseInput!) {{
  overruleHazardClause(input: $input) {{ hazard {{ grade clauseStatus {CLAUSE} }} {ERRORS} }}
}}
"""
LIST = f"""
query {{
  hazards(first: 50) {{
    totalCount
    edges {{ node {{
      number grade clauseStatus {CLAUSE} proposedClauses {{ id number verified }}
    }} }}
  }}
}}
"""


@pytest.fixture
def dusty(zhang) -> Hazard:
    return services.report_hazard(
        by=zhang, area=Area.objects.get(code="W1-A1"), description="除尘器没有泄爆片"
    )


def test_the_clause_on_record_and_the_proposals_are_in_the_hazard(as_wang, dusty):
    node = run(as_wang, LIST)["hazards"]["edges"][0]["node"]

    assert node["grade"] == "MAJOR" and node["clauseStatus"] == "PROPOSED"
    assert node["clause"]["id"] == "gm2023-12-3"
    assert node["clause"]["number"] == "第十二条第（三）项"
    assert "工贸企业重大事故隐患判定标准" in node["clause"]["criteria"]
    assert node["proposedClauses"][0] == {
        "id": "gm2023-12-3",
        "number": "第十二条第（三）项",
        "verified": True,
    }


def test_the_list_with_clauses_takes_a_fixed_number_of_queries(as_wang, zhang):
    area = Area.objects.get(code="W1-A1")

    def count() -> int:
        forget_hosts()  # each request finds its tenant, as a first one does
        with CaptureQueriesContext(connection) as captured:
            data = run(as_wang, LIST)
        assert data["hazards"]["totalCount"] == Hazard.objects.count()
        return len([q for q in captured.captured_queries if not q["sql"].startswith("SET ")])

    services.report_hazard(by=zhang, area=area, description="除尘器没有泄爆片")
    one = count()
    for text in ("打磨间积尘很厚", "通道堆放钢板", "喷漆房排风坏了"):
        services.report_hazard(by=zhang, area=area, description=text)
    assert count() == one == PER_REQUEST + 1


def test_the_manager_confirms_with_a_reason(acme_client, wang, dusty):
    payload = run(
        as_user(acme_client, wang),
        CONFIRM,
        {"input": {"id": gid(dusty), "reason": "干式除尘器，无泄爆"}},
    )["confirmHazardClause"]

    assert payload["errors"] == []
    assert payload["hazard"]["clauseStatus"] == "CONFIRMED"
    assert payload["hazard"]["clause"]["reason"] == "干式除尘器，无泄爆"
    assert AuditEvent.objects.filter(verb="hazard.clause_confirmed", actor_id=wang.pk).exists()


def test_the_manager_overrules_to_a_chosen_grade(acme_client, wang, dusty):
    payload = run(
        as_user(acme_client, wang),
        OVERRULE,
        {"input": {"id": gid(dusty), "reason": "湿式除尘", "grade": "SERIOUS"}},
    )["overruleHazardClause"]

    assert payload["errors"] == []
    assert payload["hazard"]["grade"] == "SERIOUS"
    assert payload["hazard"]["clauseStatus"] == "OVERRULED"


def test_a_blank_reason_comes_back_in_the_payload(acme_client, wang, dusty):
    payload = run(
        as_user(acme_client, wang), OVERRULE, {"input": {"id": gid(dusty), "reason": " "}}
    )["overruleHazardClause"]

    assert codes(payload) == [("reason", "required")]
    assert Hazard.objects.get(pk=dusty.pk).clause_status == ClauseStatus.PROPOSED


def test_the_reporter_may_not_decide(acme_client, zhang, dusty):
    payload = run(
        as_user(acme_client, zhang), OVERRULE, {"input": {"id": gid(dusty), "reason": "不是"}}
    )["overruleHazardClause"]

    assert codes(payload) == [(None, "permission_denied")]
    hazard = Hazard.objects.get(pk=dusty.pk)
    assert hazard.grade == Grade.MAJOR and hazard.clause_status == ClauseStatus.PROPOSED


def test_a_hazard_of_another_enterprise_is_not_found(acme_client, wang, globex):
    with tenant_context(globex):
        chen = Person.objects.get(user__email="chen@globex.test").user
        theirs = services.report_hazard(
            by=chen, area=Area.objects.filter(kind="area").first(), description="油炸机超温不断电"
        )
        assert theirs.clause_status == ClauseStatus.PROPOSED
        theirs_id = gid(theirs)

    payload = run(
        as_user(acme_client, wang), OVERRULE, {"input": {"id": theirs_id, "reason": "hijack"}}
    )

    assert codes(payload["overruleHazardClause"]) == [("id", "not_found")]
    with tenant_context(globex):
        assert Hazard.objects.get(pk=theirs.pk).clause_status == ClauseStatus.PROPOSED
