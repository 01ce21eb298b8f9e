"""Gate registration on a phone (390×844, zh-hans), in a real Chromium: a contractor's
worker opens the site's gate link without an account, chooses his company, types his ID
number with a wrong check digit and is told so beside the field, types it right,
agrees to the privacy notice, registers and reads what comes next."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.support.worker import committed

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


def _company_and_gate() -> dict:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.contractors import services
    from safeloop.contractors.validators import (
        CREDIT_CODE_ALPHABET,
        credit_code_check_char,
        id_check_char,
    )
    from safeloop.tenants.facilities.models import Area, AreaKind

    first17 = "91350100" + "".join(random.choices(CREDIT_CODE_ALPHABET, k=9))
    id17 = "11010519900101" + f"{random.randrange(1000):03d}"
    name = f"恒达建设{uuid.uuid4().hex[:4]}"
    with schema_context("acme"):
        wang = get_user_model().objects.select_related("person").get(email="wang@acme.test")
        company = services.create_company(
            by=wang, name=name, credit_code=first17 + credit_code_check_char(first17)
        )
        services.create_project(
            company,
            by=wang,
            name="W1 屋面翻新",
            starts_on=date.today(),
            ends_on=date.today() + timedelta(days=30),
            responsible=wang.person,
        )
        site = Area.objects.filter(kind=AreaKind.SITE).order_by("code").first()
        token = services.gate_token(site)
    check = id_check_char(id17)
    wrong = "0" if check != "0" else "1"
    return {"company": company.pk, "token": token, "id": id17 + check, "wrong": id17 + wrong}


def test_a_worker_registers_at_the_gate_after_fixing_his_id_number(
    page: Page, tenant_url, screenshot
):
    data = committed(_company_and_gate)
    page.goto(tenant_url("acme", f"/p/g/{data['token']}/"))
    expect(page.get_by_test_id("page-title")).to_have_text("入场登记")

    page.locator("#id_company").select_option(str(data["company"]))
    page.locator("#id_name").fill("吴刚")
    page.locator("#id_phone").fill("13900139000")
    page.locator("#id_id_number").fill(data["wrong"])
    page.get_by_label("焊工").check()
    page.locator("#id_consent").check()
    page.get_by_test_id("form-submit").click()

    expect(page.get_by_test_id("field-id_number")).to_contain_text("校验位")
    assert data["wrong"] not in page.content()
    screenshot("wrong-id")

    # The ID number is not written back into the page: type it again, right this time.
    expect(page.locator("#id_id_number")).to_have_value("")
    page.locator("#id_id_number").fill(data["id"])
    page.locator("#id_consent").check()
    page.get_by_test_id("form-submit").click()

    expect(page.get_by_test_id("gate-result")).to_have_text("登记成功")
    expect(page.get_by_test_id("next-steps")).to_contain_text("安全交底")
    expect(page.get_by_test_id("next-steps")).to_contain_text("考试")
    expect(page.get_by_test_id("done-id")).to_have_text(data["id"][:3] + "*" * 11 + data["id"][-4:])
    assert data["id"] not in page.content()
    screenshot("next-steps")
