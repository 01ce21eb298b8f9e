"""The crew leads' portal. Wu Gang, Hengda's welder, leads 钢结构一班 on the roof of
workshop W1 (Sun Hao answers for that project); his crew mate Zhou Bo is a welder whose
welding certificate has expired. Wang Wei (admin) makes crew leads and sets their
passwords; Sun Hao may only look. Feng Yi leads a crew of another contractor (Lida);
Hu Jun works for Hengda but leads no crew.

Wu signs in on his phone with a code texted to it (or a password Wang set), sees each
worker's pass and exactly what they lack, fixes the hazards assigned to him on the
hazard pages, and sees nothing of Lida nor of the enterprise's own pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from safeloop.access import Role
from safeloop.contractors import services
from safeloop.contractors.models import (
    CertificateKind,
    CompanyStatus,
    ContractorWorker,
    CrewSignInCode,
    SpecialCertificate,
)
from safeloop.contractors.services import crew_portal
from safeloop.tenants.alerts.models import Notification
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.hazards import services as hazards
from safeloop.tenants.hazards.deadlines import scan_deadlines
from safeloop.tenants.hazards.models import Hazard, RoutingRule, State
from tests.contractors.conftest import OTHER_CODE, consent
from tests.contractors.sms_gateway import SupplierSmsGateway
from tests.hazards.conftest import make_photo, make_signature

pytestmark = pytest.mark.django_db

LOGIN = "/p/crew/login/"
CREW = "/p/crew/"
WU_PHONE = "13900139000"
FENG_PHONE = "13700137000"
HU_PHONE = "13600136000"


@pytest.fixture(autouse=True)
def sms(settings):
    settings.SAFELOOP_SMS_BACKEND = "tests.contractors.sms_gateway.SupplierSmsGateway"
    SupplierSmsGateway.sent = []
    SupplierSmsGateway.down = False
    return SupplierSmsGateway


def _worker(company, wang, name, id17, phone="", crew=None, work_types=()):
    from safeloop.contractors.validators import id_check_char

    return services.register_worker(
        company,
        by=wang,
        name=name,
        id_number_value=id17 + id_check_char(id17),
        consent=consent(),
        phone=phone,
        work_types=list(work_types),
        crew=crew,
    ).worker


@pytest.fixture
def w1_area(in_acme):
    """An area of the stamping workshop W1, where the roof work goes on."""
    from safeloop.tenants.facilities.models import Area

    return Area.objects.filter(parent__code="W1").order_by("code").first()


@pytest.fixture
def roof(hengda, wang, sun):
    today = timezone.localdate()
    return services.create_project(
        hengda,
        by=wang,
        name="W1 屋面翻修",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=60),
        responsible=sun.person,
    )


@pytest.fixture
def steel(hengda, wang, wu, roof):
    """钢结构一班, led by Wu (who has his person and the crew lead role)."""
    crew = services.create_crew(hengda, by=wang, name="钢结构一班", project=roof)
    crew_portal.give_crew_lead_access(crew, by=wang, lead=wu)
    return crew


@pytest.fixture
def zhou_bo(hengda, wang, steel):
    worker = _worker(hengda, wang, "周波", "11010519850505123", crew=steel, work_types=["welder"])
    SpecialCertificate.objects.create(
        worker=worker,
        kind=CertificateKind.WELDING,
        number="T110105198505051234",
        issuer="北京市应急管理局",
        valid_until=timezone.localdate() - timedelta(days=5),
    )
    return worker


@pytest.fixture
def welding_rule(wang, roof):
    return services.add_requirement(by=wang, work_type="welder", certificate_kind="welding")


@pytest.fixture
def lida(wang):
    return services.create_company(by=wang, name="力达机电安装", credit_code=OTHER_CODE)


@pytest.fixture
def feng(lida, wang):
    """Feng Yi leads Lida's crew 安装二班, with Lida's worker Gao Lin."""
    feng = _worker(lida, wang, "冯毅", "11010519800303123", phone=FENG_PHONE)
    crew = services.create_crew(lida, by=wang, name="安装二班")
    crew_portal.give_crew_lead_access(crew, by=wang, lead=feng)
    _worker(lida, wang, "高林", "11010519810404123", crew=crew)
    return feng


@pytest.fixture
def hu(hengda, wang, steel):
    return _worker(hengda, wang, "胡军", "11010519820202123", phone=HU_PHONE, crew=steel)


def _zh(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    return client


def _ask_code(client, phone=WU_PHONE):
    return client.post(LOGIN, {"action": "send_code", "phone": phone})


def _texted_code(sms, phone=WU_PHONE) -> str:
    texts = [text for to, text, _key in sms.sent if to == phone]
    assert texts, sms.sent
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def _send_code(client, code):
    return client.post(LOGIN, {"action": "code", "code": code})


def _signed_in_as_wu(client, sms):
    _ask_code(client)
    response = _send_code(client, _texted_code(sms))
    assert response.status_code == 302 and response["Location"] == CREW
    return client


# --- Signing in ------------------------------------------------------------------------


def test_wu_signs_in_with_the_code_texted_to_his_phone(acme_client, sms, steel, wu):
    _zh(acme_client)
    response = _ask_code(acme_client, "+86 139-0013-9000")
    assert response.status_code == 302
    page = acme_client.get(response["Location"]).content.decode()
    assert "139****9000" in page and 'data-testid="crew-code"' in page
    code = _texted_code(sms)
    # Only a keyed hash of the code is kept.
    row = CrewSignInCode.objects.get(worker=wu)
    assert code not in row.code_hash and len(row.code_hash) == 64

    response = _send_code(acme_client, code)

    assert response.status_code == 302 and response["Location"] == CREW
    wu.refresh_from_db()
    assert Role.CREW_LEAD.value in wu.person.roles
    assert acme_client.get(CREW).status_code == 200
    event = AuditEvent.objects.filter(verb="contractors.crew_signed_in").last()
    assert event.data["method"] == "code" and event.object_id == str(wu.pk)
    # The code is spent: the same code again is refused.
    with pytest.raises(ValidationError):
        crew_portal.sign_in_with_code(WU_PHONE, code)


def test_a_wrong_code_is_refused_and_counts_against_the_code(acme_client, sms, steel, wu):
    _zh(acme_client)
    _ask_code(acme_client)
    right = _texted_code(sms)
    wrong = "000000" if right != "000000" else "111111"

    response = _send_code(acme_client, wrong)

    assert response.status_code == 400
    assert "验证码不正确" in response.content.decode()
    assert CrewSignInCode.objects.get(worker=wu).attempts == 1
    assert acme_client.get(CREW).status_code == 302  # still signed out: to the sign-in
    refused = AuditEvent.objects.filter(verb="contractors.crew_sign_in_refused").last()
    assert refused.data["reason"] == "wrong" and refused.data["phone_tail"] == "9000"
    # The right code still works after one slip.
    assert _send_code(acme_client, right).status_code == 302


def test_an_expired_code_is_refused(acme_client, sms, steel, wu):
    _zh(acme_client)
    _ask_code(acme_client)
    code = _texted_code(sms)
    CrewSignInCode.objects.filter(worker=wu).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    response = _send_code(acme_client, code)

    assert response.status_code == 400
    assert "验证码已过期" in response.content.decode()
    assert "_auth_user_id" not in acme_client.session


def test_five_wrong_codes_spend_the_code_even_for_the_right_one(acme_client, sms, steel, wu):
    _zh(acme_client)
    _ask_code(acme_client)
    right = _texted_code(sms)
    wrong = "000000" if right != "000000" else "111111"
    for _attempt in range(crew_portal.CODE_MAX_ATTEMPTS):
        response = _send_code(acme_client, wrong)
    assert "错误次数过多" in response.content.decode()

    response = _send_code(acme_client, right)

    assert response.status_code == 400
    assert "错误次数过多" in response.content.decode()
    assert "_auth_user_id" not in acme_client.session


def test_codes_are_throttled_per_phone(acme_client, sms, steel, wu):
    _zh(acme_client)
    assert _ask_code(acme_client).status_code == 302
    acme_client.post(LOGIN, {"action": "other_phone"})

    response = _ask_code(acme_client)

    assert response.status_code == 429
    assert "验证码刚刚发出" in response.content.decode()
    assert len(sms.sent) == 1


def test_a_worker_who_leads_no_crew_gets_no_code_and_no_way_in(acme_client, sms, hu, wang):
    _zh(acme_client)
    response = _ask_code(acme_client, HU_PHONE)
    # The page answers alike (it does not tell which phones are leads'), but no SMS goes.
    assert response.status_code == 302
    assert sms.sent == []
    assert _send_code(acme_client, "123456").status_code == 400
    # Even a password on his user would not let him in: he leads no crew.
    person = services.ensure_person(hu)
    person.user.set_password("Hu-Jun-2026!")
    person.user.save()
    response = acme_client.post(
        LOGIN, {"action": "password", "phone": HU_PHONE, "password": "Hu-Jun-2026!"}
    )
    assert response.status_code == 400
    assert "手机号或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in acme_client.session


def test_the_lead_of_a_blacklisted_company_cannot_sign_in(acme_client, sms, steel, wu, hengda):
    _zh(acme_client)
    type(hengda).objects.filter(pk=hengda.pk).update(status=CompanyStatus.BLACKLISTED)

    _ask_code(acme_client)

    assert sms.sent == []
    assert crew_portal.lead_for_phone(WU_PHONE) is None


def test_a_signed_in_lead_whose_company_is_blacklisted_loses_the_portal(
    acme_client, sms, steel, wu, hengda
):
    _signed_in_as_wu(_zh(acme_client), sms)
    type(hengda).objects.filter(pk=hengda.pk).update(status=CompanyStatus.BLACKLISTED)

    assert acme_client.get(CREW).status_code == 403


def test_wang_sets_wus_password_on_the_company_page_and_wu_signs_in_with_it(
    as_wang, client, acme, sms, steel, wu, hengda
):
    page = as_wang.get(reverse("contractors:company", args=[hengda.pk])).content.decode()
    url = reverse("contractors:crew_lead", args=[steel.pk])
    assert url in page

    response = as_wang.post(url, {"lead": wu.pk, "password": "Gang-Jie-2026!"})

    assert response.status_code == 302
    assert AuditEvent.objects.filter(verb="contractors.crew_lead_password_set").exists()
    assert "Gang-Jie-2026!" not in str(
        AuditEvent.objects.filter(verb="contractors.crew_lead_password_set").last().data
    )
    as_wang.logout()
    _zh(as_wang)
    wrong = as_wang.post(LOGIN, {"action": "password", "phone": WU_PHONE, "password": "nope"})
    assert wrong.status_code == 400 and "手机号或密码不正确" in wrong.content.decode()
    right = as_wang.post(
        LOGIN, {"action": "password", "phone": WU_PHONE, "password": "Gang-Jie-2026!"}
    )
    assert right.status_code == 302 and right["Location"] == CREW


def test_wrong_passwords_are_throttled_per_phone(acme_client, sms, steel, wu, wang):
    crew_portal.give_crew_lead_access(steel, by=wang, lead=wu, password="Gang-Jie-2026!")
    _zh(acme_client)
    for _attempt in range(5):
        acme_client.post(LOGIN, {"action": "password", "phone": WU_PHONE, "password": "x"})

    response = acme_client.post(
        LOGIN, {"action": "password", "phone": WU_PHONE, "password": "Gang-Jie-2026!"}
    )

    assert response.status_code == 429


def test_a_new_lead_takes_over_and_the_old_one_loses_the_portal(
    acme_client, as_wang, sms, steel, wu, hu
):
    response = as_wang.post(
        reverse("contractors:crew_lead", args=[steel.pk]), {"lead": hu.pk, "password": ""}
    )
    assert response.status_code == 302
    wu.refresh_from_db()
    hu.refresh_from_db()
    assert Role.CREW_LEAD.value not in wu.person.roles
    assert Role.CREW_LEAD.value in hu.person.roles
    assert crew_portal.lead_for_phone(WU_PHONE) is None
    assert crew_portal.lead_for_phone(HU_PHONE) == hu


def test_sun_may_look_at_the_company_but_not_make_crew_leads(as_sun, steel, hu):
    url = reverse("contractors:crew_lead", args=[steel.pk])
    assert as_sun.get(url).status_code == 403
    assert as_sun.post(url, {"lead": hu.pk}).status_code == 403


# --- The portal ------------------------------------------------------------------------


def test_wu_sees_each_worker_and_exactly_what_they_lack(
    acme_client, sms, steel, wu, zhou_bo, welding_rule
):
    _signed_in_as_wu(_zh(acme_client), sms)

    page = acme_client.get(CREW).content.decode()

    assert "钢结构一班" in page and "周波" in page and "吴刚" in page
    expired_on = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert f"焊工证已过期（{expired_on} 到期）" in page
    assert 'data-testid="gate-link"' in page


def test_the_portal_home_sends_a_signed_in_lead_to_his_crew(acme_client, sms, steel, wu):
    _signed_in_as_wu(_zh(acme_client), sms)

    response = acme_client.get(reverse("portal:home"))

    assert response.status_code == 302 and response["Location"] == CREW
    # The workspace home sends him to his own home, too.
    assert acme_client.get("/w/").status_code in (302, 403)


@pytest.mark.parametrize("size", [3, 30])
def test_the_crew_page_reads_a_fixed_number_of_queries(
    acme_client, sms, steel, wu, zhou_bo, crack, hengda, wang, welding_rule, size,
    django_assert_max_num_queries,
):  # fmt: skip
    for n in range(size - 2):
        id17 = f"11010519{90 + n // 12:02d}{n % 12 + 1:02d}15123"
        _worker(hengda, wang, f"工人{n}", id17, crew=steel, work_types=["welder"])
    _signed_in_as_wu(_zh(acme_client), sms)

    # The session's user, the lead, his crews, the workers and what evaluate_many reads
    # for all of them at once, his hazards with their areas, the gate sites, the badge.
    with django_assert_max_num_queries(14):
        page = acme_client.get(CREW).content.decode()

    assert page.count('data-testid="crew-member"') == size
    # Every one of them is a welder (Wu too): Zhou's certificate expired, the others have none.
    lacks = re.findall(r'data-testid="lack">([^<]*)<', page)
    assert len(lacks) == size and lacks.count("缺少焊工证") == size - 1


# --- Hazards of a crew ----------------------------------------------------------------


@pytest.fixture
def crack(zhang, w1_area, wu, steel, wang):
    """A hazard Zhang reported in W1, reassigned by Wang to Wu's crew (to Wu)."""
    hazard = hazards.report_hazard(
        by=zhang, area=w1_area, description="脚手架连墙件缺失", photos=[make_photo()]
    )
    wu.refresh_from_db()
    return hazards.reassign(hazard, by=wang, assignee=wu.person, reason="屋面施工班组负责")


def test_wu_fixes_the_hazard_assigned_to_him_on_the_hazard_page(acme_client, sms, crack):
    _signed_in_as_wu(_zh(acme_client), sms)
    page = acme_client.get(CREW).content.decode()
    assert crack.number in page and reverse("hazards:detail", args=[crack.pk]) in page

    detail = acme_client.get(reverse("hazards:detail", args=[crack.pk]))
    assert detail.status_code == 200
    response = acme_client.post(
        reverse("hazards:act", args=[crack.pk, "rectify"]),
        {
            "rectify-description": "补设连墙件，逐层检查",
            "rectify-test_result": "",
            "rectify-after_photos": [make_photo("after.jpg", size=(400, 300))],
            "rectify-signature": make_signature(),
        },
    )

    assert response.status_code == 302
    crack.refresh_from_db()
    assert crack.state == State.AWAITING_ACCEPTANCE
    photo = crack.photos.filter(stage="rectification").get()
    assert acme_client.get(reverse("hazards:photo", args=[photo.pk])).status_code == 200


def test_wu_sees_no_other_hazard_and_none_of_the_workspace(
    acme_client,
    sms,
    steel,
    zhang,
    w1_area,
    feng,
):
    other = hazards.report_hazard(by=zhang, area=w1_area, description="地面油污")
    _signed_in_as_wu(_zh(acme_client), sms)

    assert other.number not in acme_client.get(CREW).content.decode()
    assert acme_client.get(reverse("hazards:detail", args=[other.pk])).status_code == 404
    assert acme_client.get(reverse("hazards:board")).status_code == 403
    # Nor the enterprise's directories, nor the managers' contractor pages.
    assert acme_client.get(reverse("workspace:people")).status_code == 403
    assert acme_client.get(reverse("contractors:companies")).status_code == 403
    assert acme_client.get(reverse("contractors:worker", args=[feng.pk])).status_code == 403


def test_a_lead_sees_only_his_own_companys_crew(acme_client, sms, steel, wu, zhou_bo, feng):
    _signed_in_as_wu(_zh(acme_client), sms)

    page = acme_client.get(CREW).content.decode()

    assert "周波" in page
    assert "冯毅" not in page and "高林" not in page and "力达" not in page
    # Feng, signed in on his own phone, sees his crew and nothing of Hengda's.
    acme_client.logout()
    _ask_code(acme_client, FENG_PHONE)
    _send_code(acme_client, _texted_code(sms, FENG_PHONE))
    page = acme_client.get(CREW).content.decode()
    assert "高林" in page and "周波" not in page and "吴刚" not in page


def test_another_enterprise_knows_no_lead_of_acme(globex_client, sms, steel, wu):
    response = globex_client.post(LOGIN, {"action": "send_code", "phone": WU_PHONE})
    assert response.status_code == 302
    assert sms.sent == []


def test_a_routing_rule_naming_the_lead_sends_new_hazards_to_his_crew(
    steel,
    wu,
    zhang,
    w1_area,
):
    wu.refresh_from_db()
    RoutingRule.objects.create(area=w1_area, assignee=wu.person, priority=1)

    hazard = hazards.report_hazard(by=zhang, area=w1_area, description="临边防护缺失")

    assert hazard.assignee == wu.person and hazard.state == State.ASSIGNED


def test_wu_reports_from_a_qr_point_like_an_employee(acme_client, sms, steel, w1_area):
    _signed_in_as_wu(_zh(acme_client), sms)

    page = acme_client.get(f"/q/{w1_area.qr_token}/")

    assert page.status_code == 200
    wu_user = ContractorWorker.objects.get(name="吴刚").person.user
    hazard = hazards.report_hazard(by=wu_user, area=w1_area, description="配电箱门未关")
    assert hazard.reporter == wu_user


def test_an_overdue_crew_hazard_goes_up_to_the_projects_responsible_person(crack, sun, liu):
    Hazard.objects.filter(pk=crack.pk).update(deadline=timezone.now() - timedelta(hours=3))

    scan_deadlines()

    told = set(
        Notification.objects.filter(event="hazard.escalation_1").values_list(
            "recipient__email", flat=True
        )
    )
    assert "sun@acme.test" in told
    # The workshop director is not the level above a contractor's crew.
    assert "liu@acme.test" not in told


def test_the_crew_page_speaks_english_to_a_lead_who_reads_it(
    acme_client, sms, steel, wu, zhou_bo, welding_rule
):
    _signed_in_as_wu(_zh(acme_client), sms)
    acme_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    acme_client.cookies.pop("django_language", None)

    page = acme_client.get(CREW, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "My crew" in page and "Hazards assigned to you" in page
    expired_on = (timezone.localdate() - timedelta(days=5)).isoformat()
    assert f"expired on {expired_on}" in page
