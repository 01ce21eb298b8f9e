"""The admin subscribes: billing page → Standard → Stripe's Checkout (the fake's page,
over HTTP) → back on the billing page, active, with the webhook's events applied."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from e2e.conftest import ARTIFACTS
from tests.support.committed import committed

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["desktop", "phone"])
def viewport_name(request):
    return request.param


@pytest.fixture
def acme_unsubscribed():
    """Acme as signup left it (other e2e tests of this process share it), before and after."""
    from safeloop.platform.models import Enterprise

    fields = {
        "stripe_customer_id": "",
        "stripe_subscription_id": "",
        "subscription_status": "",
        "plan": "trial",
    }

    def reset():
        return Enterprise.objects.filter(schema_name="acme").update(**fields)

    committed(reset)
    yield
    committed(reset)


def test_the_admin_picks_standard_pays_in_checkout_and_comes_back_active(
    page: Page, tenant_url, fake_stripe, acme_unsubscribed
):
    page.goto(tenant_url("acme", "/accounts/login/?next=/billing/"))
    page.fill("input[name=login]", "wang@acme.test")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/billing/")
    expect(page.get_by_test_id("subscription-status")).to_contain_text("试用")
    expect(page.get_by_test_id("usage-people")).to_be_visible()
    button = page.get_by_test_id("subscribe-standard").bounding_box()
    assert button["height"] >= 44, button  # a gloved thumb
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]

    page.get_by_test_id("subscribe-standard").click()
    page.wait_for_url(f"{fake_stripe.url}/c/pay/**")
    expect(page.locator("body")).to_contain_text("price_standard_test")
    page.get_by_test_id("fake-pay").click()

    page.wait_for_url("**/billing/**")
    expect(page.get_by_test_id("subscription-status")).to_contain_text("生效中")
    expect(page.get_by_test_id("plan-standard").get_by_test_id("current")).to_be_visible()
    expect(page.get_by_test_id("plans").locator("h2")).to_have_text("套餐")
    ARTIFACTS.mkdir(exist_ok=True)
    name = f"billing-active-{page.viewport_size['width']}.png"
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)
