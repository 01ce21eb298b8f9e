"""Induction: Wang Wei (admin) sets what Hengda's workers need and writes the site's
safety briefing; Sun Hao (safety officer) may only read it; Zhang San (operator) sees
nothing of it. Wu Gang, Hengda's welder, registers at the gate on his phone, is signed in
as his person, signs the briefing with his finger, takes the exam on the learning pages
and gets the link to his pass; he never reaches the enterprise's own pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from safeloop.contractors import services
from safeloop.contractors.models import (
    BriefingSignature,
    ContractorWorker,
    InductionRequirement,
    PassStatus,
    SafetyBriefing,
    SitePass,
)
from safeloop.learning.models import Quiz
from safeloop.tenants.facilities.models import PersonKind
from tests.contractors.conftest import WU_ID
from tests.contractors.test_passes import drawn_signature
from tests.learning._train_data import make_course, pass_course

INDUCTION = "/k/induction/"


def _register(client, gate_url, company) -> ContractorWorker:
    response = client.post(
        gate_url,
        {
            "company": company.pk,
            "credit_code": "",
            "name": "吴刚",
            "phone": "13900139000",
            "id_number": WU_ID,
            "work_types": ["welder"],
            "consent": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ContractorWorker.objects.get(name="吴刚")


@pytest.fixture
def wu_at_gate(acme_client, gate_url, hengda, roof, rules):
    """Wu has just registered at the gate on his phone (this client)."""
    return _register(acme_client, gate_url, hengda)


# --- The manager's set-up page ---------------------------------------------------------


def test_wang_adds_a_course_requirement_and_the_site_briefing(as_wang, roof, induction_course):
    page = as_wang.get(INDUCTION).content.decode()
    assert "课程CW-IND" in page  # offered: published, with a final quiz
    response = as_wang.post(
        INDUCTION,
        {
            "action": "add",
            "requirement-work_type": "",
            "requirement-project": "",
            "requirement-course": induction_course.pk,
            "requirement-certificate_kind": "",
        },
    )
    assert response.status_code == 302
    assert InductionRequirement.objects.get().course == induction_course

    response = as_wang.post(
        INDUCTION,
        {
            "action": "briefing",
            "briefing-project": "",
            "briefing-title": "入场安全交底",
            "briefing-body": "进入现场必须佩戴安全帽。",
        },
    )
    assert response.status_code == 302
    page = as_wang.get(INDUCTION).content.decode()
    assert "入场安全交底" in page and "版本 1" in page and "0 人已签署此版本" in page

    as_wang.post(
        INDUCTION,
        {
            "action": "briefing",
            "briefing-project": "",
            "briefing-title": "入场安全交底",
            "briefing-body": "进入现场必须佩戴安全帽、穿反光背心。",
        },
    )
    briefing = SafetyBriefing.objects.get(active=True, project=None)
    assert briefing.version == 2
    assert "版本 2" in as_wang.get(INDUCTION).content.decode()


def test_wang_edits_the_roof_projects_briefing_from_its_card(as_wang, wang, roof):
    services.set_briefing(by=wang, title="屋面作业交底", body="系挂安全带。", project=roof)
    page = as_wang.get(INDUCTION).content.decode()
    assert f'href="?project={roof.pk}#briefing-form"' in page
    form = as_wang.get(f"{INDUCTION}?project={roof.pk}").content.decode()
    assert 'value="屋面作业交底"' in form and "系挂安全带。" in form
    as_wang.post(
        INDUCTION,
        {
            "action": "briefing",
            "briefing-project": roof.pk,
            "briefing-title": "屋面作业交底",
            "briefing-body": "系挂安全带，严禁抛掷物料。",
        },
    )
    briefing = SafetyBriefing.objects.get(project=roof, active=True)
    assert (briefing.version, briefing.body) == (2, "系挂安全带，严禁抛掷物料。")
    assert not SafetyBriefing.objects.filter(project=None).exists()


def test_a_course_without_a_final_quiz_is_not_offered(as_wang, in_acme):
    make_course("NO-EXAM", lessons=1)
    assert "课程NO-EXAM" not in as_wang.get(INDUCTION).content.decode()


def test_a_requirement_naming_nothing_is_refused_beside_the_course(as_wang, roof):
    response = as_wang.post(
        INDUCTION,
        {"action": "add", "requirement-work_type": "welder", "requirement-course": ""},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "特种作业操作证" in page and 'data-testid="form-errors"' in page
    assert not InductionRequirement.objects.exists()


def test_an_empty_briefing_text_is_named_and_nothing_saved(as_wang, roof):
    response = as_wang.post(
        INDUCTION, {"action": "briefing", "briefing-title": "交底", "briefing-body": "  "}
    )
    assert response.status_code == 400
    assert not SafetyBriefing.objects.exists()


def test_wang_removes_a_requirement(as_wang, wang, induction_course, roof):
    requirement = services.add_requirement(by=wang, course=induction_course)
    response = as_wang.post(INDUCTION, {"action": "remove", "requirement": requirement.pk})
    assert response.status_code == 302
    assert not InductionRequirement.objects.exists()


def test_sun_reads_the_set_up_but_cannot_change_it(as_sun, wang, rules):
    page = as_sun.get(INDUCTION).content.decode()
    assert "动火作业安全交底" in page and "课程CW-IND" in page
    assert 'data-testid="requirement-form"' not in page
    assert 'data-testid="requirement-remove"' not in page
    response = as_sun.post(
        INDUCTION, {"action": "remove", "requirement": InductionRequirement.objects.first().pk}
    )
    assert response.status_code == 403
    assert InductionRequirement.objects.count() == 2


def test_zhang_the_operator_cannot_open_it(as_zhang, in_acme):
    assert as_zhang.get(INDUCTION).status_code == 403


def test_the_contractors_page_links_to_induction(as_sun, in_acme):
    assert INDUCTION in as_sun.get("/k/").content.decode()


# --- The worker's induction on the phone ----------------------------------------------


def test_after_registering_wu_is_led_to_his_induction_and_signed_in_as_his_person(
    acme_client, gate_url, hengda, roof, rules
):
    response = acme_client.post(
        gate_url,
        {
            "company": hengda.pk,
            "name": "吴刚",
            "phone": "13900139000",
            "id_number": WU_ID,
            "work_types": ["welder"],
            "consent": "on",
        },
    )
    done = acme_client.get(response["Location"]).content.decode()
    assert reverse("portal:induction") in done

    page = acme_client.get(reverse("portal:induction")).content.decode()
    worker = ContractorWorker.objects.get()
    assert worker.person.kind == PersonKind.CONTRACTOR
    assert int(acme_client.session["_auth_user_id"]) == worker.person.user_id
    # Each lack, with what Wu can do about it.
    assert "尚未通过《课程CW-IND》考试" in page
    quiz = Quiz.objects.get(course=InductionRequirement.objects.first().course)
    assert reverse("learning:quiz", args=[quiz.pk]) in page
    assert reverse("learning:course", args=[quiz.course_id]) in page
    assert reverse("portal:briefing", args=[rules.pk]) in page
    assert 'data-testid="step-office"' in page  # the welding certificate: the office's job
    assert 'data-testid="pass-link"' not in page


def test_the_learning_pages_take_the_exam_as_wu(acme_client, wu_at_gate, induction_course):
    acme_client.get(reverse("portal:induction"))
    quiz = Quiz.objects.get(course=induction_course, lesson=None)
    course_url = reverse("learning:course", args=[induction_course.pk])
    assert acme_client.get(course_url).status_code == 200
    assert acme_client.get(reverse("learning:quiz", args=[quiz.pk])).status_code == 200


def test_wu_signs_the_briefing_with_a_drawn_signature(
    acme_client, wu_at_gate, rules, django_capture_on_commit_callbacks
):
    acme_client.get(reverse("portal:induction"))
    url = reverse("portal:briefing", args=[rules.pk])
    page = acme_client.get(url).content.decode()
    assert "动火前必须办理动火作业票" in page and "briefing-sign.js" in page
    assert "<script>" not in page.replace('<script nonce="', "")

    # An empty box is refused in place, nothing signed.
    response = acme_client.post(url, {"signature": ""})
    assert response.status_code == 400
    assert "请用手指在框内签名" in response.content.decode()
    assert not BriefingSignature.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = acme_client.post(url, {"signature": drawn_signature()})
    assert response["Location"] == reverse("portal:induction")
    signed = BriefingSignature.objects.get()
    assert (signed.worker, signed.version) == (wu_at_gate, rules.version)
    page = acme_client.get(reverse("portal:induction")).content.decode()
    assert "尚未签署" not in page


def test_a_briefing_for_another_project_is_not_wus(
    acme_client, wu_at_gate, wang, hengda, today, rules
):
    other = services.create_project(
        hengda,
        by=wang,
        name="锅炉房",
        starts_on=today + timedelta(days=90),
        ends_on=today + timedelta(days=120),
        responsible=wang.person,
    )
    theirs = services.set_briefing(by=wang, title="锅炉房交底", body="……", project=other)
    acme_client.get(reverse("portal:induction"))
    assert acme_client.get(reverse("portal:briefing", args=[theirs.pk])).status_code == 404


def test_once_everything_holds_the_pass_link_appears(
    acme_client,
    wu_at_gate,
    wang,
    rules,
    induction_course,
    today,
    django_capture_on_commit_callbacks,
):
    acme_client.get(reverse("portal:induction"))
    worker = ContractorWorker.objects.get(pk=wu_at_gate.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_certificate(
            worker,
            by=wang,
            kind="welding",
            number="T110105199001011232",
            issuer="北京市应急管理局",
            valid_until=today + timedelta(days=300),
        )
        pass_course(worker.person, induction_course)
        acme_client.post(
            reverse("portal:briefing", args=[rules.pk]), {"signature": drawn_signature()}
        )
    site_pass = SitePass.objects.get(worker=worker)
    assert site_pass.status == PassStatus.ACTIVE
    page = acme_client.get(reverse("portal:induction")).content.decode()
    assert 'data-testid="pass-link"' in page
    assert reverse("portal:pass", args=[site_pass.token]) in page
    card = acme_client.get(reverse("portal:pass", args=[site_pass.token])).content.decode()
    assert site_pass.number in card and "<svg" in card and "吴刚" in card


def test_without_a_registration_in_this_browser_there_is_no_induction(acme_client, rules):
    assert acme_client.get(reverse("portal:induction")).status_code == 403
    assert acme_client.get(reverse("portal:home")).status_code == 403


def test_an_unknown_pass_token_is_not_found(acme_client, in_acme):
    assert acme_client.get(reverse("portal:pass", args=["nope"])).status_code == 404


# --- An outsider gets nothing of the workspace ----------------------------------------


@pytest.mark.parametrize(
    "path", ["/h/", "/w/people/", "/k/", "/k/induction/", "/w/areas/", "/l/archive/", "/r/"]
)
def test_wu_cannot_open_the_enterprises_pages(acme_client, wu_at_gate, path):
    acme_client.get(reverse("portal:induction"))
    response = acme_client.get(path)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith("/p/")


def test_the_workspace_home_sends_wu_to_his_induction(acme_client, wu_at_gate):
    acme_client.get(reverse("portal:induction"))
    response = acme_client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:induction")
    page = response.content.decode()
    # His menu holds his induction and nothing of the workspace.
    assert 'data-testid="nav-portal_home"' in page
    assert 'data-testid="nav-home"' not in page and 'data-testid="nav-hazards"' not in page
    # Nor the enterprise's own business, such as its trial.
    assert 'data-testid="trial-badge"' not in page


def test_wu_reads_his_induction_in_english_when_his_phone_asks(acme_client, wu_at_gate):
    page = acme_client.get(reverse("portal:induction"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My induction" in page
    assert "Exam of “Course CW-IND” not passed yet" in page
    assert "Take the exam" in page and "Read and sign" in page


def test_employees_do_not_see_the_outsiders_menu(as_zhang, in_acme):
    page = as_zhang.get("/w/").content.decode()
    assert 'data-testid="nav-home"' in page
    assert 'data-testid="nav-portal_home"' not in page
