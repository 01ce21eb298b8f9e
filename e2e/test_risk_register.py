"""The risk register on a phone in a real Chromium: Sun, the safety officer,
opens the register, narrows it to red risks, opens one, re-assesses it with the
controls in place and sees its colour change on the page and in the register."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PASSWORD = "Safe-Loop-2026!"  # every seeded person's (conftest.PASSWORD)


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


def _red_point() -> dict:
    """A red activity risk point of its own (the template's stay as they are)."""
    import uuid

    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.tenants.facilities.models import Area, Person
    from safeloop.tenants.risks import services

    code = f"RP-E{uuid.uuid4().hex[:6].upper()}"
    with schema_context("acme"):
        Person.objects.filter(user__email="sun@acme.test").update(language="en")
        wang = get_user_model().objects.get(email="wang@acme.test")
        point = services.create_risk_point(
            by=wang,
            code=code,
            name="模具更换作业",
            name_en="Die change",
            kind="activity",
            area=Area.objects.get(code="W1"),
        )
        services.assess_risk(point, by=wang, inherent={"l": 6, "e": 6, "c": 15})
        return {"pk": point.pk, "code": code}


def test_sun_reassesses_a_red_risk_on_her_phone(page: Page, tenant_url, screenshot):
    red = committed(_red_point)

    page.goto(tenant_url("acme", "/accounts/login/?next=/r/"))
    page.fill("input[name=login]", "sun@acme.test")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/r/")

    # The colour tiles count the register; tapping red leaves only red rows.
    page.get_by_test_id("count-red").click()
    page.wait_for_url("**/r/?band=red")
    rows = page.get_by_test_id("risk-row")
    expect(rows.first).to_be_visible()
    assert set(rows.evaluate_all("rows => rows.map(r => r.dataset.band)")) == {"red"}
    screenshot("register-red")

    # She opens the point and re-assesses it with its controls in place.
    page.get_by_role("link", name=red["code"], exact=False).first.click()
    expect(page.get_by_test_id("risk-band")).to_have_attribute("data-band", "red")
    page.get_by_test_id("assess").click()
    for name, value in {"l": "6", "e": "6", "c": "15"}.items():
        page.select_option(f"select[name=inherent_{name}]", value)
    for name, value in {"l": "1", "e": "3", "c": "15"}.items():  # D = 45: blue
        page.select_option(f"select[name=residual_{name}]", value)
    page.fill("textarea[name=note]", "Guards and interlocks checked on site")
    page.get_by_test_id("form-submit").click()

    expect(page.get_by_test_id("risk-band")).to_have_attribute("data-band", "blue")
    expect(page.get_by_test_id("assessment-history")).to_contain_text("Guards and interlocks")
    screenshot("point-blue")

    page.goto(tenant_url("acme", f"/r/?band=blue&q={red['code']}"))
    expect(page.get_by_test_id("risk-row")).to_have_count(1)
