"""A proposed clause is confirmed or overruled by a manager, with a reason, on the record.

Zhang (operator in W1 of Acme, a metal works) types what he sees in the polishing
room; the clause check makes it 重大 under 第十二条第（三）项. Wang (admin) and the
safety manager hold ``hazards.configure``; Zhang and Li (team leader) do not.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.audit.services import verify_chain
from safeloop.tenants.hazards import clauses, major, services
from safeloop.tenants.hazards.models import ClauseStatus, Grade, Hazard, MajorCase

pytestmark = pytest.mark.django_db

DUST = "抛光房铝粉除尘器没有泄爆片"


def _events(hazard: Hazard) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="hazards.hazard", object_id=str(hazard.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )


@pytest.fixture
def dusty(zhang, w1_area) -> Hazard:
    return services.report_hazard(by=zhang, area=w1_area, description=DUST)


def test_a_typed_report_is_proposed_major_with_its_clause_on_record(dusty):
    assert dusty.grade == Grade.MAJOR and dusty.grade_before_clause == Grade.GENERAL
    assert dusty.clause_id == "gm2023-12-3" and dusty.clause_number == "第十二条第（三）项"
    assert dusty.clause_status == ClauseStatus.PROPOSED
    assert "泄爆" in dusty.clause_text and "应急管理部令第10号" in dusty.clause_criteria
    assert "hazard.clause_proposed" in _events(dusty)


def test_the_manager_confirms_the_clause_with_a_reason(dusty, wang):
    hazard = clauses.confirm_clause(dusty, by=wang, reason="现场核实：干式除尘器无任何防爆措施")
    hazard.refresh_from_db()
    assert hazard.clause_status == ClauseStatus.CONFIRMED and hazard.grade == Grade.MAJOR
    assert hazard.clause_decided_by == wang and hazard.clause_decided_at is not None
    event = AuditEvent.objects.filter(verb="hazard.clause_confirmed").get()
    assert event.actor_id == wang.pk and event.object_id == str(hazard.pk)
    assert event.data["clause"] == "gm2023-12-3" and "现场核实" in event.data["reason"]
    assert verify_chain().ok


def test_overruling_goes_back_to_the_reported_grade_and_its_path(dusty, wang):
    hazard = clauses.overrule_clause(dusty, by=wang, reason="是湿式除尘器，不属于干式除尘系统")
    hazard.refresh_from_db()
    assert hazard.clause_status == ClauseStatus.OVERRULED
    assert hazard.grade == Grade.GENERAL
    assert hazard.acceptance_levels == ["team_leader"]
    event = AuditEvent.objects.filter(verb="hazard.clause_overruled").get()
    assert (event.data["grade_from"], event.data["grade_to"]) == ("major", "general")
    assert event.data["reason"] == "是湿式除尘器，不属于干式除尘系统"


def test_overruling_to_a_chosen_grade_but_never_major(dusty, wang):
    with pytest.raises(ValidationError) as err:
        clauses.overrule_clause(dusty, by=wang, reason="不适用", grade=Grade.MAJOR)
    assert err.value.error_dict["grade"][0].code == "invalid"
    hazard = clauses.overrule_clause(dusty, by=wang, reason="湿式除尘，按较大管理", grade="serious")
    assert hazard.grade == Grade.SERIOUS and len(hazard.acceptance_levels) == 2


def test_a_reason_is_required_and_a_decision_is_made_once(dusty, wang):
    for blank in ("", "   "):
        with pytest.raises(ValidationError) as err:
            clauses.confirm_clause(dusty, by=wang, reason=blank)
        assert err.value.error_dict["reason"][0].code == "required"
        with pytest.raises(ValidationError):
            clauses.overrule_clause(dusty, by=wang, reason=blank)
    dusty.refresh_from_db()
    assert dusty.clause_status == ClauseStatus.PROPOSED
    clauses.confirm_clause(dusty, by=wang, reason="核实")
    with pytest.raises(ValidationError) as err:
        clauses.overrule_clause(dusty, by=wang, reason="改主意")
    assert err.value.code == "already_decided"


def test_a_worker_or_team_leader_may_not_decide(dusty, zhang, li):
    for who in (zhang, li):
        with pytest.raises(PermissionDenied):
            clauses.confirm_clause(dusty, by=who, reason="我觉得是")
        with pytest.raises(PermissionDenied):
            clauses.overrule_clause(dusty, by=who, reason="我觉得不是")
    dusty.refresh_from_db()
    assert dusty.clause_status == ClauseStatus.PROPOSED and dusty.grade == Grade.MAJOR
    assert "hazard.clause_confirmed" not in _events(dusty)


def test_a_hazard_without_a_clause_has_nothing_to_decide(zhang, wang, w1_area):
    plain = services.report_hazard(by=zhang, area=w1_area, description="通道堆放钢板")
    assert plain.clause_id == "" and plain.grade == Grade.GENERAL
    with pytest.raises(ValidationError) as err:
        clauses.overrule_clause(plain, by=wang, reason="无")
    assert err.value.code == "no_clause"


def test_the_manager_may_confirm_another_clause_of_the_criteria(zhang, wang, w1_area):
    hazard = services.report_hazard(by=zhang, area=w1_area, description="打磨间粉尘很大")
    assert hazard.clause_id == "" and hazard.grade == Grade.GENERAL
    hazard = clauses.confirm_clause(
        hazard, by=wang, reason="现场积尘超过1毫米", clause_id="gm2023-12-10"
    )
    assert hazard.grade == Grade.MAJOR and hazard.clause_status == ClauseStatus.CONFIRMED
    assert hazard.clause_number == "第十二条第（十）项" and hazard.grade_before_clause == "general"
    with pytest.raises(ValidationError):
        # 121号文 is not a metal works' criteria
        other = services.report_hazard(by=zhang, area=w1_area, description="地面油污")
        clauses.confirm_clause(other, by=wang, reason="x", clause_id="hc2017-4")


def test_confirming_a_clause_on_a_serious_hazard_puts_it_on_the_legal_path(dusty, wang):
    hazard = clauses.overrule_clause(dusty, by=wang, reason="湿式除尘，按较大管理", grade="serious")
    assert major.case_of(hazard) is None and "principal" not in hazard.acceptance_levels
    hazard.clause_status = ClauseStatus.PROPOSED  # proposed again (a new report)
    hazard.save(update_fields=["clause_status"])
    hazard = clauses.confirm_clause(hazard, by=wang, reason="复核：干式除尘器，无防爆措施")
    hazard.refresh_from_db()
    assert hazard.grade == Grade.MAJOR
    assert hazard.acceptance_levels[-1] == "principal"
    assert major.case_of(hazard) is not None


def test_overruling_lifts_a_stop_work_order_in_force(dusty, wang):
    major.order_stop_work(dusty, by=wang, scope="除尘系统停用")
    hazard = clauses.overrule_clause(dusty, by=wang, reason="是湿式除尘器，不属于干式除尘系统")
    case = MajorCase.objects.get(hazard=hazard)
    assert not case.is_stopped and case.stop_lifted_at is not None
    assert AuditEvent.objects.filter(verb="hazard.stop_work_lifted", actor=wang).exists()
