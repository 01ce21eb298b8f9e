"""Gate registration: Hengda's welder Wu Gang scans the QR code at Acme's main gate
and registers on his phone without an account; Donghai (blacklisted) is not offered;
Globex's gate link opens nothing on Acme's host."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import tenant_context

from safeloop.contractors import services
from safeloop.contractors.models import ContractorWorker, PrivacyConsent
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.models import Area, AreaKind
from tests.contractors.conftest import HENGDA_CODE, OTHER_CODE, PNG_1PX, WU_ID, WU_MASKED

WRONG_ID = WU_ID[:-1] + "3"  # check digit off by one


@pytest.fixture
def site(in_acme):
    return Area.objects.filter(kind=AreaKind.SITE).order_by("code").first()


@pytest.fixture
def roof(hengda, wang):
    """Hengda re-roofs workshop W1 this month."""
    today = date.today()
    return services.create_project(
        hengda,
        by=wang,
        name="W1 屋面翻新",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=30),
        responsible=wang.person,
    )


@pytest.fixture
def donghai(wang):
    """Donghai Scaffolding had a running project, then was blacklisted."""
    company = services.create_company(by=wang, name="东海脚手架", credit_code=OTHER_CODE)
    services.create_project(
        company,
        by=wang,
        name="脚手架",
        starts_on=date.today(),
        ends_on=date.today() + timedelta(days=9),
        responsible=wang.person,
    )
    return services.blacklist_company(company, by=wang, reason="高处作业未系安全带")


@pytest.fixture
def gate_url(site):
    return reverse("portal:gate", args=[services.gate_token(site)])


def _form(company=None, **overrides) -> dict:
    data = {
        "company": company.pk if company else "",
        "credit_code": "",
        "name": "吴刚",
        "phone": "13900139000",
        "id_number": WU_ID,
        "work_types": ["welder"],
        "consent": "on",
    }
    return data | overrides


def test_wu_registers_at_the_gate_with_consent_and_it_is_audited(
    acme_client, gate_url, hengda, roof, site
):
    page = acme_client.get(gate_url).content.decode()
    assert "恒达建设有限公司" in page and "个人信息" in page

    photo = SimpleUploadedFile("me.png", PNG_1PX, content_type="image/png")
    response = acme_client.post(gate_url, _form(hengda, photo=photo))

    assert response.status_code == 302
    worker = ContractorWorker.objects.get()
    assert (worker.name, worker.company, worker.work_types) == ("吴刚", hengda, ["welder"])
    assert worker.photo
    assert PrivacyConsent.objects.filter(worker=worker).count() == 1
    event = AuditEvent.objects.get(verb="contractors.worker_registered")
    assert event.actor_id is None
    assert event.data["via"] == "gate" and event.data["site"] == site.pk
    assert WU_ID not in str(event.data)
    done = acme_client.get(response["Location"]).content.decode()
    assert "安全交底" in done and "考试" in done and WU_MASKED in done and WU_ID not in done


def test_registering_again_updates_wu_and_says_so(acme_client, gate_url, hengda, roof):
    acme_client.post(gate_url, _form(hengda))
    response = acme_client.post(
        gate_url,
        _form(credit_code=HENGDA_CODE, phone="139 0013 9000", work_types=["electrician"]),
        follow=True,
    )
    assert "已登记，信息已更新" in response.content.decode()
    worker = ContractorWorker.objects.get()
    assert worker.work_types == ["welder", "electrician"]
    assert PrivacyConsent.objects.filter(worker=worker).count() == 2
    assert AuditEvent.objects.filter(verb="contractors.worker_merged").count() == 1


def test_someone_else_with_wus_id_number_cannot_take_over_his_record(
    acme_client, gate_url, hengda, roof
):
    acme_client.post(gate_url, _form(hengda))
    response = acme_client.post(
        gate_url, _form(hengda, name="冒名者", phone="13700137000", work_types=["electrician"])
    )
    assert response.status_code == 400
    assert "已登记" in response.content.decode()
    worker = ContractorWorker.objects.get()
    assert (worker.name, worker.phone, worker.work_types) == ("吴刚", "13900139000", ["welder"])
    assert PrivacyConsent.objects.filter(worker=worker).count() == 1
    assert not AuditEvent.objects.filter(verb="contractors.worker_merged").exists()


def test_a_wrong_id_number_and_credit_code_are_named_and_nothing_is_saved(
    acme_client, gate_url, hengda, roof
):
    response = acme_client.post(
        gate_url, _form(id_number=WRONG_ID, credit_code=HENGDA_CODE[:-1] + "X")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "校验位" in page  # the ID number's check digit
    assert "统一社会信用代码" in page and "校验" in page
    assert WRONG_ID not in page and WRONG_ID[:6] + "*" not in page
    assert not ContractorWorker.objects.exists() and not PrivacyConsent.objects.exists()
    assert not AuditEvent.objects.filter(verb__startswith="contractors.worker").exists()


def test_without_consent_nothing_is_saved(acme_client, gate_url, hengda, roof):
    data = _form(hengda)
    del data["consent"]
    page = acme_client.post(gate_url, data).content.decode()
    assert "登记前须同意" in page and WU_ID not in page
    assert not ContractorWorker.objects.exists()


def test_a_blacklisted_company_is_not_offered_nor_taken_by_its_code(
    acme_client, gate_url, hengda, roof, donghai
):
    page = acme_client.get(gate_url).content.decode()
    assert "恒达建设有限公司" in page and "东海脚手架" not in page
    response = acme_client.post(gate_url, _form(credit_code=OTHER_CODE))
    assert response.status_code == 400
    assert "目前没有单位使用此代码在本厂区作业" in response.content.decode()
    response = acme_client.post(gate_url, _form(donghai))
    assert response.status_code == 400
    assert not ContractorWorker.objects.exists()


def test_a_company_without_a_running_project_is_not_offered(acme_client, gate_url, hengda):
    assert "恒达建设有限公司" not in acme_client.get(gate_url).content.decode()


def test_a_forged_gate_link_is_a_chinese_404_without_a_form(acme_client, site):
    signature = services.gate_token(site).split(":")[-1]
    forged = reverse("portal:gate", args=[f"{site.pk + 1}:{signature}"])
    for url in (forged, reverse("portal:gate", args=["nothing"])):
        response = acme_client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        page = response.content.decode()
        assert response.status_code == 404
        assert "此入场登记二维码在本厂区无效" in page
        assert 'data-testid="gate-form"' not in page


def test_globex_gate_link_opens_nothing_on_acme(acme_client, globex, hengda, roof):
    with tenant_context(globex):
        globex_site = Area.objects.filter(kind=AreaKind.SITE).order_by("code").first()
        token = services.gate_token(globex_site)
    response = acme_client.get(reverse("portal:gate", args=[token]))
    assert response.status_code == 404
    assert 'data-testid="gate-form"' not in response.content.decode()
    assert acme_client.post(reverse("portal:gate", args=[token]), _form()).status_code == 404


def test_the_manager_sees_each_site_gate_link_with_its_qr_and_sign(as_sun, site):
    page = as_sun.get(reverse("contractors:gates")).content.decode()
    token = services.gate_token(site)
    assert f"/p/g/{token}/" in page and "<svg" in page
    sign = as_sun.get(reverse("contractors:gate_sign", args=[site.pk]))
    assert sign["Content-Type"] == "application/pdf" and sign.content.startswith(b"%PDF")


def test_the_gate_post_is_rate_limited(acme_client, gate_url, hengda, roof, settings):
    settings.SAFELOOP_GATE_RATES = ["2/10m"]
    for _ in range(2):
        acme_client.post(gate_url, _form(hengda, id_number=WRONG_ID))
    response = acme_client.post(gate_url, _form(hengda))
    assert response.status_code == 429
    assert not ContractorWorker.objects.exists()
