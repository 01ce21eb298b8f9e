"""A major hazard (重大事故隐患) goes the legal way (16号令 Art. 15, 18; 安全生产法 Art. 41):
stop-work where needed, a plan the principal approves whose deadline becomes the
hazard's, an assessment before the principal's sign-off (销号), reports recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.hazards import major, services
from safeloop.tenants.hazards.models import Hazard, MajorCase, State
from tests.hazards.conftest import make_photo, make_signature

pytestmark = pytest.mark.django_db

PLAN = {
    "goal": "有限空间作业全部纳入审批，杜绝未审批作业",
    "measures": "停止作业，办理有限空间作业票，先通风、再检测、后作业，设专人监护",
    "funds": "气体检测仪、通风机 2 万元，已列入本月安全投入",
    "people": "车间主任刘伟牵头，安全员孙浩监督，班组长李强落实",
    "interim_measures": "入口上锁并设警示牌，作业前逐次审批",
}


def _major(zhang, w1_area, library) -> Hazard:
    return services.report_hazard(
        by=zhang, area=w1_area, library_entry=library("major", "process"), photos=[make_photo()]
    )


def _verbs(hazard: Hazard) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type="hazards.hazard", object_id=str(hazard.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )


def _plan(hazard, by, days: int = 10):
    return major.save_plan(hazard, by=by, deadline=timezone.now() + timedelta(days=days), **PLAN)


def _fix(hazard, by) -> Hazard:
    return services.submit_rectification(
        hazard,
        by=by,
        description="已停止作业，补办有限空间作业审批，通风检测合格",
        after_photos=[make_photo()],
        signature_data_url=make_signature(),
    )


def _sign(hazard, *people) -> Hazard:
    for person in people:
        hazard = services.accept(
            Hazard.objects.get(pk=hazard.pk), by=person, signature_data_url=make_signature()
        )
    return hazard


def test_a_major_hazard_opens_the_legal_path_with_the_principal_signing_last(
    zhang, he, w1_area, library
):
    hazard = _major(zhang, w1_area, library)

    assert MajorCase.objects.filter(hazard=hazard).exists()
    assert hazard.acceptance_levels[-1] == "principal"
    assert "hazard.major_opened" in _verbs(hazard)
    # the principal hears of it at once: a plan is due by the first deadline
    assert he.notifications.filter(event="hazard.major_opened").exists()


def test_no_fix_counts_before_the_principal_approves_the_plan(zhang, liu, sun, w1_area, library):
    hazard = _major(zhang, w1_area, library)
    with pytest.raises(ValidationError) as raised:
        _fix(hazard, liu)
    assert raised.value.code == "plan_not_approved"

    _plan(hazard, sun)
    with pytest.raises(ValidationError) as raised:
        _fix(hazard, liu)
    assert raised.value.code == "plan_not_approved"
    assert Hazard.objects.get(pk=hazard.pk).rectifications.count() == 0


def test_the_plan_needs_its_six_parts_and_a_future_deadline(zhang, sun, w1_area, library):
    hazard = _major(zhang, w1_area, library)
    with pytest.raises(ValidationError) as raised:
        major.save_plan(
            hazard,
            by=sun,
            goal="",
            measures=" ",
            funds="2 万元",
            people="设备部",
            deadline=timezone.now() - timedelta(hours=1),
            interim_measures="",
        )
    assert set(raised.value.error_dict) == {"goal", "measures", "interim_measures", "deadline"}
    assert MajorCase.objects.get(hazard=hazard).plan_at is None


def test_only_the_principal_approves_and_the_plan_deadline_becomes_the_hazards(
    zhang, sun, zhou, he, w1_area, library
):
    hazard = _major(zhang, w1_area, library)
    first_deadline = hazard.deadline
    case = _plan(hazard, sun, days=15)
    for someone in (
        sun,
        zhou,
    ):  # the safety officer drafts; the leader in charge is not the principal
        with pytest.raises(PermissionDenied):
            major.approve_plan(hazard, by=someone)

    major.approve_plan(hazard, by=he)

    hazard.refresh_from_db()
    case.refresh_from_db()
    assert hazard.deadline == case.plan_deadline != first_deadline
    assert case.plan_approved_by == he
    event = AuditEvent.objects.get(verb="hazard.major_plan_approved", object_id=str(hazard.pk))
    assert event.actor == he


def test_changing_an_approved_plan_withdraws_the_approval(zhang, sun, he, w1_area, library):
    hazard = _major(zhang, w1_area, library)
    _plan(hazard, sun)
    major.approve_plan(hazard, by=he)

    case = _plan(hazard, sun, days=20)

    assert not case.plan_approved
    event = AuditEvent.objects.filter(verb="hazard.major_plan_saved").order_by("-id").first()
    assert event.data["approval_withdrawn"] is True


def test_stop_assess_and_sign_off_close_it_and_lift_the_stop(
    zhang, liu, li, sun, zhou, he, w1_area, library
):
    hazard = _major(zhang, w1_area, library)
    major.order_stop_work(hazard, by=sun, scope="1号桥式起重机停用")
    with pytest.raises(ValidationError):
        major.order_stop_work(hazard, by=sun, scope="again")
    _plan(hazard, sun)
    major.approve_plan(hazard, by=he)
    hazard = _fix(Hazard.objects.get(pk=hazard.pk), liu)
    hazard = _sign(hazard, li, sun, zhou)
    assert hazard.next_acceptance_level == "principal"

    # the principal cannot sign off before the assessment
    with pytest.raises(ValidationError) as raised:
        _sign(hazard, he)
    assert raised.value.code == "not_assessed"
    assert services.HazardAction.ACCEPT not in services.allowed_actions(he, hazard)
    assert services.HazardAction.ASSESS in services.allowed_actions(sun, hazard)

    major.record_assessment(
        hazard, by=sun, assessors="设备部张工、外聘专家李工", conclusion="治理措施有效", passed=True
    )
    assert services.HazardAction.ACCEPT in services.allowed_actions(he, hazard)
    hazard = _sign(hazard, he)

    assert hazard.state == State.CLOSED
    case = MajorCase.objects.get(hazard=hazard)
    assert not case.is_stopped and case.stop_lifted_at is not None
    verbs = _verbs(hazard)
    assert verbs.index("hazard.major_assessed") < verbs.index("hazard.closed")
    assert "hazard.stop_work_lifted" in verbs


def test_a_failed_assessment_sends_the_fix_back_and_the_next_fix_is_assessed_afresh(
    zhang, liu, li, sun, zhou, he, w1_area, library
):
    hazard = _major(zhang, w1_area, library)
    _plan(hazard, sun)
    major.approve_plan(hazard, by=he)
    hazard = _sign(_fix(Hazard.objects.get(pk=hazard.pk), liu), li, sun, zhou)

    major.record_assessment(
        hazard, by=sun, assessors="专家组", conclusion="吊钩未经检验", passed=False
    )

    hazard.refresh_from_db()
    assert hazard.state == State.RECTIFYING and hazard.accepted_count == 0
    assert liu.notifications.filter(event="hazard.rejected").exists()
    hazard = _sign(_fix(hazard, liu), li, sun, zhou)
    with pytest.raises(ValidationError) as raised:
        _sign(hazard, he)
    assert raised.value.code == "not_assessed"


def test_the_assessment_waits_for_every_level_below_the_principal(
    zhang, liu, li, sun, he, w1_area, library
):
    hazard = _major(zhang, w1_area, library)
    _plan(hazard, sun)
    major.approve_plan(hazard, by=he)
    hazard = _sign(_fix(Hazard.objects.get(pk=hazard.pk), liu), li)
    with pytest.raises(ValidationError) as raised:
        major.record_assessment(hazard, by=sun, assessors="专家组", conclusion="ok", passed=True)
    assert raised.value.code == "levels_pending"


def test_an_operator_can_neither_stop_plan_nor_assess(zhang, w1_area, library):
    hazard = _major(zhang, w1_area, library)
    with pytest.raises(PermissionDenied):
        major.order_stop_work(hazard, by=zhang, scope="全部")
    with pytest.raises(PermissionDenied):
        _plan(hazard, zhang)
    with pytest.raises(PermissionDenied):
        major.record_report(hazard, by=zhang, recipient="regulator")


def test_an_ordinary_hazard_has_no_legal_path(zhang, sun, w1_area, library):
    hazard = services.report_hazard(
        by=zhang, area=w1_area, library_entry=library("serious"), photos=[make_photo()]
    )
    assert not MajorCase.objects.filter(hazard=hazard).exists()
    assert "principal" not in hazard.acceptance_levels
    with pytest.raises(ValidationError) as raised:
        major.order_stop_work(hazard, by=sun, scope="x")
    assert raised.value.code == "not_major"


def test_reports_to_the_regulator_and_the_congress_are_dated_and_audited(
    zhang, sun, w1_area, library
):
    hazard = _major(zhang, w1_area, library)
    major.record_report(hazard, by=sun, recipient="regulator")
    case = major.record_report(hazard, by=sun, recipient="congress")
    assert case.reported_to_regulator_at and case.reported_to_congress_at
    with pytest.raises(ValidationError):
        major.record_report(hazard, by=sun, recipient="newspaper")
    assert _verbs(hazard).count("hazard.major_reported_to") == 2
