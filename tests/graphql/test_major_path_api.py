"""A 重大 hazard's legal path through the API: stop-work, the 治理方案 the principal
approves (its deadline becomes the hazard's), the assessment, the reports; each step
refused in the payload to whoever may not take it, and unknown outside the tenant.

Zhang (operator, W1 of Acme) reports 有限空间作业未审批 (工贸判定标准 第十四条第（二）项);
Sun (safety officer) runs the path, He Jun (主要负责人) approves the plan.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.platform.routing import forget_hosts
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.models import Area, Person
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import Hazard, LibraryEntry, MajorCase
from tests.graphql.conftest import run
from tests.graphql.test_hazards_mutations import as_user, codes, gid
from tests.graphql.test_query_counts import PER_REQUEST

pytestmark = pytest.mark.django_db

ERRORS = "errors { field code message }"
CASE = """majorCase { isStopped stopScope goal measures funds people planDeadline
  interimMeasures planApprovedAt planApprovedByName assessmentPassed assessors
  reportedToRegulatorAt reportedToCongressAt }"""


def _mutation(name: str, input_type: str) -> str:
    return f"""
mutation ($input: {input_type}!) {{
  {name}(input: $input) {{ hazard {{ number deadline {CASE} }} {ERRORS} }}
}}
"""


STOP = _mutation("orderStopWork", "OrderStopWorkInput")
PLAN = _mutation("saveMajorPlan", "SaveMajorPlanInput")
APPROVE = _mutation("approveMajorPlan", "HazardIdInput")
ASSESS = _mutation("recordMajorAssessment", "RecordMajorAssessmentInput")
REPORT = _mutation("recordMajorReport", "RecordMajorReportInput")


@pytest.fixture
def confined(zhang) -> Hazard:
    return services.report_hazard(
        by=zhang,
        area=Area.objects.get(code="W1-A1"),
        library_entry=LibraryEntry.objects.get(code="PROC-002"),
        description="3号地坑清淤，未办理有限空间作业审批即下坑",
    )


def _plan(hazard: Hazard, days: int = 9, **overrides) -> dict:
    return {
        "input": {
            "id": gid(hazard),
            "goal": "有限空间作业全部纳入审批",
            "measures": "停止作业，办理作业票，先通风、再检测、后作业",
            "funds": "气体检测仪 1 万元",
            "people": "车间主任牵头，安全员监督",
            "deadline": (timezone.now() + timedelta(days=days)).isoformat(),
            "interimMeasures": "入口上锁并设警示牌",
            **overrides,
        }
    }


def test_the_path_through_the_api_ends_with_the_plan_deadline_on_the_hazard(
    acme_client, confined, sun, he
):
    stop = run(
        as_user(acme_client, sun),
        STOP,
        {"input": {"id": gid(confined), "scope": "3号地坑停止作业"}},
    )["orderStopWork"]
    assert stop["errors"] == []
    assert stop["hazard"]["majorCase"]["isStopped"] is True

    saved = run(acme_client, PLAN, _plan(confined))["saveMajorPlan"]
    assert saved["errors"] == [] and saved["hazard"]["majorCase"]["planApprovedAt"] is None

    refused = run(acme_client, APPROVE, {"input": {"id": gid(confined)}})["approveMajorPlan"]
    assert codes(refused) == [(None, "permission_denied")]  # the safety officer is not 主要负责人

    approved = run(as_user(acme_client, he), APPROVE, {"input": {"id": gid(confined)}})[
        "approveMajorPlan"
    ]
    assert approved["errors"] == []
    case = approved["hazard"]["majorCase"]
    assert case["planApprovedByName"] == "He Jun" and case["planApprovedAt"]
    hazard = Hazard.objects.get(pk=confined.pk)
    assert hazard.deadline == MajorCase.objects.get(hazard=hazard).plan_deadline

    reported = run(
        as_user(acme_client, sun),
        REPORT,
        {"input": {"id": gid(confined), "recipient": "REGULATOR"}},
    )["recordMajorReport"]
    assert reported["errors"] == [] and reported["hazard"]["majorCase"]["reportedToRegulatorAt"]
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"hazard.stop_work_ordered", "hazard.major_plan_approved"} <= verbs


def test_a_plan_missing_parts_or_with_a_past_deadline_names_each_field(acme_client, confined, sun):
    payload = run(as_user(acme_client, sun), PLAN, _plan(confined, days=-1, funds=" ", people=""))[
        "saveMajorPlan"
    ]

    assert sorted(codes(payload)) == [
        ("deadline", "invalid"),
        ("funds", "required"),
        ("people", "required"),
    ]
    assert MajorCase.objects.get(hazard=confined).plan_at is None


def test_the_assessment_waits_for_every_level_below_the_principal(acme_client, confined, sun):
    payload = run(
        as_user(acme_client, sun),
        ASSESS,
        {
            "input": {
                "id": gid(confined),
                "assessors": "专家组",
                "conclusion": "有效",
                "passed": True,
            }
        },
    )["recordMajorAssessment"]

    assert codes(payload) == [(None, "levels_pending")]


def test_an_operator_may_not_stop_the_work_and_a_general_hazard_has_no_case(
    acme_client, zhang, confined
):
    payload = run(
        as_user(acme_client, zhang),
        STOP,
        {"input": {"id": gid(confined), "scope": "全部停产"}},
    )["orderStopWork"]
    assert codes(payload) == [(None, "permission_denied")]

    plain = services.report_hazard(
        by=zhang, area=Area.objects.get(code="W1-A1"), description="通道堆放钢板"
    )
    payload = run(as_user(acme_client, zhang), STOP, {"input": {"id": gid(plain), "scope": "x"}})[
        "orderStopWork"
    ]
    assert codes(payload) in ([(None, "permission_denied")], [(None, "not_major")])


def test_a_major_hazard_of_another_enterprise_is_not_found(acme_client, wang, globex):
    with tenant_context(globex):
        chen = Person.objects.get(user__email="chen@globex.test").user
        theirs = services.report_hazard(
            by=chen, area=Area.objects.filter(kind="area").first(), description="油炸机超温不断电"
        )
        theirs_id = gid(theirs)

    payload = run(
        as_user(acme_client, wang), STOP, {"input": {"id": theirs_id, "scope": "hijack"}}
    )["orderStopWork"]

    assert codes(payload) == [("id", "not_found")]
    with tenant_context(globex):
        assert not MajorCase.objects.get(hazard_id=theirs.pk).is_stopped


def test_the_list_with_major_cases_takes_a_fixed_number_of_queries(as_wang, zhang):
    query = f"query {{ hazards(first: 50) {{ totalCount edges {{ node {{ number {CASE} }} }} }} }}"
    area = Area.objects.get(code="W1-A1")
    entry = LibraryEntry.objects.get(code="PROC-002")

    def count() -> int:
        forget_hosts()
        with CaptureQueriesContext(connection) as captured:
            data = run(as_wang, query)
        assert data["hazards"]["totalCount"] == Hazard.objects.count()
        return len([q for q in captured.captured_queries if not q["sql"].startswith("SET ")])

    services.report_hazard(by=zhang, area=area, library_entry=entry, description="地坑")
    one = count()
    for text in ("污水池", "通道堆放钢板", "罐内清理"):
        services.report_hazard(by=zhang, area=area, library_entry=entry, description=text)
    # the hazards, then their cases in one more query, however many there are
    assert count() == one == PER_REQUEST + 2
