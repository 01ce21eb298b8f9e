"""The closed loop: report → routed → rectified with evidence → accepted per level → closed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safeloop.tenants.alerts.models import Channel, Notification
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.audit.services import verify_chain
from safeloop.tenants.hazards import major, services
from safeloop.tenants.hazards.models import Hazard, PhotoStage, State
from tests.hazards.conftest import make_photo, make_signature

pytestmark = pytest.mark.django_db


def _report(by, area, entry, **kwargs) -> Hazard:
    photos = kwargs.pop("photos", [make_photo("a.jpg"), make_photo("b.jpg"), make_photo("c.jpg")])
    return services.report_hazard(
        by=by,
        area=area,
        library_entry=entry,
        photos=photos,
        latitude="31.230416",
        longitude="121.473701",
        **kwargs,
    )


def _inbox(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, channel=Channel.INBOX).values_list(
            "event", flat=True
        )
    )


def test_general_hazard_runs_the_whole_loop_with_one_acceptance(zhang, ma, li, w1_area, library):
    # given Zhang reports a mechanical hazard in W1; routing sends it to the fitter Ma
    hazard = _report(zhang, w1_area, library("general"))
    assert hazard.state == State.ASSIGNED
    assert hazard.assignee.user == ma
    assert hazard.deadline is not None
    assert hazard.photos.filter(stage=PhotoStage.REPORT).count() == 3
    assert "hazard.assigned" in _inbox(ma)

    # when Ma fixes it with proof and Li (team leader of W1) accepts
    services.start_rectification(hazard, by=ma)
    hazard = services.submit_rectification(
        hazard,
        by=ma,
        description="Guard replaced",
        after_photos=[make_photo("after.jpg")],
        signature_data_url=make_signature(),
        test_result="Light curtain stops the press",
    )
    assert hazard.state == State.AWAITING_ACCEPTANCE
    assert "hazard.awaiting_acceptance" in _inbox(li)
    hazard = services.accept(
        hazard, by=li, signature_data_url=make_signature(), note="Checked on site"
    )

    # then it is closed, the reporter hears of it, and the trail is intact
    assert hazard.state == State.CLOSED and hazard.closed_at
    assert "hazard.closed" in _inbox(zhang)
    verbs = list(
        AuditEvent.objects.filter(
            object_type="hazards.hazard", object_id=str(hazard.pk)
        ).values_list("verb", flat=True)
    )
    assert verbs == [
        "hazard.reported",
        "hazard.assigned",
        "hazard.rectifying",
        "hazard.rectified",
        "hazard.accepted",
        "hazard.closed",
    ]
    assert verify_chain().ok


def test_major_hazard_needs_three_levels_then_the_principal_and_tells_the_managers_at_once(
    zhang, ma, li, sun, zhou, he, liu, wang, w1_area, library
):
    # 有限空间作业未审批: a statutory 重大 item (工贸判定标准第十四条第（二）项)
    hazard = _report(zhang, w1_area, library("major", "process"))
    assert hazard.grade == "major" and hazard.clause_number == "第十四条第（二）项"
    assert hazard.acceptance_levels == [
        "team_leader",
        "safety_officer",
        "leader_in_charge",
        "principal",
    ]
    assert "hazard.major_reported" in _inbox(liu)
    assert "hazard.major_reported" in _inbox(wang)  # Wang is the safety manager too
    # the legal path first (test_major_path.py): a plan the principal approves
    major.save_plan(
        hazard,
        by=sun,
        goal="有限空间作业全部纳入审批",
        measures="停止作业，办理有限空间作业票，通风并检测气体",
        funds="1 万元",
        people="车间主任、安全员",
        deadline=timezone.now() + timedelta(days=7),
        interim_measures="挂牌停用",
    )
    major.approve_plan(hazard, by=he)

    services.submit_rectification(
        Hazard.objects.get(pk=hazard.pk),
        by=hazard.assignee.user,
        description="Work stopped; permit, ventilation and gas test in place",
        after_photos=[make_photo()],
        signature_data_url=make_signature(),
    )
    hazard.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.accept(
            hazard, by=sun, signature_data_url=make_signature()
        )  # the safety officer signs second, not first
    hazard = services.accept(hazard, by=li, signature_data_url=make_signature())
    assert hazard.state == State.AWAITING_ACCEPTANCE
    hazard = services.accept(hazard, by=sun, signature_data_url=make_signature())
    hazard = services.accept(hazard, by=zhou, signature_data_url=make_signature())
    major.record_assessment(hazard, by=sun, assessors="专家组", conclusion="有效", passed=True)
    hazard = services.accept(hazard, by=he, signature_data_url=make_signature())
    assert hazard.state == State.CLOSED
    assert hazard.acceptances.count() == 4


def test_rejection_sends_it_back_and_every_level_signs_again(zhang, ma, li, sun, w1_area, library):
    hazard = _report(zhang, w1_area, library("serious"))
    services.submit_rectification(
        hazard,
        by=ma,
        description="Done",
        after_photos=[make_photo()],
        signature_data_url=make_signature(),
    )
    hazard = services.accept(
        Hazard.objects.get(pk=hazard.pk), by=li, signature_data_url=make_signature()
    )
    hazard = services.reject(hazard, by=sun, reason="Guard still loose")
    assert hazard.state == State.RECTIFYING
    assert hazard.accepted_count == 0
    assert "hazard.rejected" in _inbox(ma)
    with pytest.raises(ValidationError) as raised:
        services.reject(hazard, by=sun, reason="again")
    assert raised.value.code == "illegal_transition"


def test_operator_cannot_accept_and_assignee_cannot_accept_own_fix(zhang, ma, li, w1_area, library):
    hazard = _report(zhang, w1_area, library("general"))
    services.submit_rectification(
        hazard,
        by=ma,
        description="Done",
        after_photos=[make_photo()],
        signature_data_url=make_signature(),
    )
    hazard.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.accept(hazard, by=zhang, signature_data_url=make_signature())
    with pytest.raises(PermissionDenied):
        services.accept(hazard, by=ma, signature_data_url=make_signature())


def test_only_the_assignee_rectifies_and_evidence_is_required(zhang, ma, li, w1_area, library):
    hazard = _report(zhang, w1_area, library("general"))
    with pytest.raises(PermissionDenied):
        services.submit_rectification(
            hazard,
            by=li,
            description="x",
            after_photos=[make_photo()],
            signature_data_url=make_signature(),
        )
    with pytest.raises(ValidationError) as raised:
        services.submit_rectification(
            hazard, by=ma, description="", after_photos=[], signature_data_url=make_signature()
        )
    assert set(raised.value.error_dict) == {"description", "after_photos"}
    with pytest.raises(ValidationError) as raised:
        services.submit_rectification(
            hazard, by=ma, description="Fixed", after_photos=[make_photo()], signature_data_url=""
        )
    assert raised.value.error_dict["signature"][0].code == "signature_missing"


def test_report_needs_a_pick_or_a_description_and_at_most_three_photos(zhang, w1_area):
    with pytest.raises(ValidationError) as raised:
        services.report_hazard(by=zhang, area=w1_area)
    assert raised.value.error_dict["description"][0].code == "required"
    with pytest.raises(ValidationError) as raised:
        services.report_hazard(
            by=zhang,
            area=w1_area,
            description="Oil on floor",
            photos=[make_photo() for _ in range(4)],
        )
    assert raised.value.error_dict["photos"][0].code == "too_many_photos"
    assert not Hazard.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(zhang, w1_area):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not a jpeg", content_type="image/jpeg")
    with pytest.raises(ValidationError) as raised:
        services.report_hazard(by=zhang, area=w1_area, description="x", photos=[fake])
    assert raised.value.error_dict["photos"][0].code == "photo_invalid"


def test_free_text_near_miss_is_flagged_and_anonymous_is_off_by_default(zhang, w1_area):
    hazard = services.report_hazard(
        by=zhang,
        area=w1_area,
        description="Forklift nearly hit a worker at the gate",
        is_near_miss=True,
    )
    assert hazard.is_near_miss and hazard.title.startswith("Forklift")
    with pytest.raises(ValidationError):
        services.report_hazard(by=zhang, area=w1_area, description="x", anonymous=True)


def test_safety_officer_dismisses_a_non_hazard_with_a_reason_operator_cannot(zhang, sun, w1_area):
    hazard = services.report_hazard(by=zhang, area=w1_area, description="Paint is ugly")
    with pytest.raises(PermissionDenied):
        services.dismiss(hazard, by=zhang, reason="no")
    with pytest.raises(ValidationError):
        services.dismiss(hazard, by=sun, reason="")
    hazard = services.dismiss(hazard, by=sun, reason="Cosmetic, not a hazard")
    assert hazard.state == State.DISMISSED


def test_extension_needs_a_reason_and_approval_by_someone_else(zhang, ma, sun, w1_area, library):
    from datetime import timedelta

    hazard = _report(zhang, w1_area, library("general"))
    new_deadline = hazard.deadline + timedelta(days=2)
    with pytest.raises(ValidationError):
        services.request_extension(hazard, by=ma, new_deadline=new_deadline, reason="")
    extension = services.request_extension(
        hazard, by=ma, new_deadline=new_deadline, reason="Spare part arrives Friday"
    )
    with pytest.raises(PermissionDenied):
        services.decide_extension(extension, by=ma, approve=True)
    services.decide_extension(extension, by=sun, approve=True)
    hazard.refresh_from_db()
    assert hazard.deadline == new_deadline


def test_reassign_by_safety_officer_with_reason(zhang, ma, qian, sun, w1_area, library):
    hazard = _report(zhang, w1_area, library("general"))
    with pytest.raises(PermissionDenied):
        services.reassign(hazard, by=zhang, assignee=qian.person, reason="x")
    hazard = services.reassign(hazard, by=sun, assignee=qian.person, reason="It is electrical")
    assert hazard.assignee.user == qian
    assert "hazard.assigned" in _inbox(qian)


def test_routing_by_category_picks_the_electrician_in_the_workshop(zhang, qian, w1_area, library):
    hazard = _report(zhang, w1_area, library("general", "electrical"), photos=[])
    assert hazard.category.code == "electrical"
    assert hazard.assignee.user == qian


def test_another_tenants_hazard_is_invisible(zhang, w1_area, library, globex):
    from django_tenants.utils import tenant_context

    hazard = _report(zhang, w1_area, library("general"), photos=[])
    with tenant_context(globex):
        assert not Hazard.objects.filter(number=hazard.number).exists()
