"""The billing page (Wang Wei, Acme's admin), the public pricing page, and Stripe away.

Li Na, a team leader, may not see Acme's billing. Wang reads Chinese (his saved
language), so the pages speak Chinese to him. The fake Stripe answers on a port of
this machine; "Stripe away" is a port nobody listens on.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from safeloop.platform.models import Enterprise, validate_tax_id

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
BILLING_FIELDS = ("plan", "stripe_customer_id", "subscription_status", "invoice_title", "tax_id")


def _state() -> dict:
    return Enterprise.objects.filter(schema_name="acme").values(*BILLING_FIELDS).get()


@pytest.fixture
def wang_on_port(wang):
    client = Client(HTTP_HOST=f"acme.{settings.SAFELOOP_BASE_DOMAIN}:8123")
    client.force_login(wang)
    return client


def test_checkout_returns_to_the_host_and_port_in_use_and_makes_one_customer(
    wang_on_port, fake_stripe
):
    first = wang_on_port.post("/billing/checkout/", {"plan": "standard"})
    again = wang_on_port.post("/billing/checkout/", {"plan": "professional"})

    assert first.status_code == 302 and again.status_code == 302
    assert len(fake_stripe.calls_to("POST", "/v1/customers")) == 1
    created = fake_stripe.calls_to("POST", "/v1/checkout/sessions")
    params = created[0].params
    assert params["mode"] == "subscription" and params["client_reference_id"] == "acme"
    assert params["line_items"][0]["price"] == "price_standard_test"
    base = f"http://acme.{settings.SAFELOOP_BASE_DOMAIN}:8123/billing/"
    assert params["success_url"].startswith(f"{base}?checkout=success")
    assert params["cancel_url"] == f"{base}?checkout=cancel"
    assert created[1].params["customer"] == params["customer"] == _state()["stripe_customer_id"]


def test_stripe_unreachable_at_checkout_says_so_and_changes_nothing(
    wang_on_port, fake_stripe, stripe_down
):
    before = _state()

    sent = wang_on_port.post("/billing/checkout/", {"plan": "standard"}, follow=True, **EN)

    assert sent.redirect_chain[-1][0].endswith("/billing/")
    assert "暂时无法连接支付服务商 Stripe，未做任何更改。" in sent.content.decode()
    assert _state() == before


def test_the_portal_opens_for_a_customer_and_returns_to_billing(wang_on_port, fake_stripe):
    refused = wang_on_port.post("/billing/portal/", follow=True, **EN)
    assert "请先订阅套餐" in refused.content.decode()

    wang_on_port.post("/billing/checkout/", {"plan": "standard"})
    opened = wang_on_port.post("/billing/portal/")

    assert opened.status_code == 302 and "/p/session/" in opened["Location"]
    (call,) = fake_stripe.calls_to("POST", "/v1/billing_portal/sessions")
    assert call.params["return_url"].endswith(":8123/billing/")


def test_invoicing_details_are_checked_saved_and_copied_to_the_stripe_customer(
    wang_on_port, fake_stripe
):
    wang_on_port.post("/billing/checkout/", {"plan": "standard"})

    bad = wang_on_port.post(
        "/billing/invoicing/", {"invoice_title": "阿克米金属", "tax_id": "91310000MA1FL3NX8L"}
    )
    assert bad.status_code == 400 and 'data-testid="tax-id-error"' in bad.content.decode()
    assert _state()["tax_id"] == ""

    good = wang_on_port.post(
        "/billing/invoicing/", {"invoice_title": "阿克米金属", "tax_id": "9144 0300 7152 6726xg"}
    )
    assert good.status_code == 302
    assert _state()["invoice_title"] == "阿克米金属" and _state()["tax_id"] == "9144030071526726XG"
    customer = fake_stripe.customers[_state()["stripe_customer_id"]]
    assert customer["metadata"]["tax_id"] == "9144030071526726XG"
    assert customer["metadata"]["invoice_title"] == "阿克米金属"


def test_invoicing_with_stripe_away_changes_nothing(wang_on_port, fake_stripe, settings):
    wang_on_port.post("/billing/checkout/", {"plan": "standard"})
    before = _state()
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"

    sent = wang_on_port.post(
        "/billing/invoicing/", {"invoice_title": "X", "tax_id": ""}, follow=True, **EN
    )

    assert "未做任何更改" in sent.content.decode()
    assert _state() == before


@pytest.mark.parametrize(
    "code, valid",
    [
        ("9144030071526726XG", True),
        ("91110000600037341L", True),
        ("91110000600037341M", False),  # wrong check character
        ("440300715267260", True),  # legacy 15
        ("44030071526726XG0000", True),  # legacy 20
        ("9144030071526726I", False),
    ],
)
def test_taxpayer_numbers(code, valid):
    from django.core.exceptions import ValidationError

    if valid:
        validate_tax_id(code)
    else:
        with pytest.raises(ValidationError):
            validate_tax_id(code)


def test_the_billing_page_shows_plan_usage_and_plans_to_the_admin_only(as_wang, li):
    page = as_wang.get("/billing/", **EN)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="usage-people"' in html and 'data-testid="subscribe-standard"' in html
    assert "免费试用：剩余 30 天" in html or "免费试用：剩余 29 天" in html
    # Storage in the units people read (the trial allows 51,200 MB).
    storage = next(u for u in page.context["o"].usage if u.limit == "storage_mb")
    assert storage.allowed_text == "50 GB" and storage.used_text.endswith(" MB")
    assert f'{storage.used_text}</strong> / <span data-testid="allowed">50 GB</span>' in html

    as_wang.force_login(li)
    assert as_wang.get("/billing/").status_code == 403


def test_the_pricing_page_lists_plans_prices_and_limits(public_client):
    page = public_client.get("/pricing/", **EN)
    html = page.content.decode()

    assert page.status_code == 200
    assert "¥999" in html and "US$149" in html and "¥2,999" in html and "US$449" in html
    assert "200 people" in html and "500 QR points" in html and "50 IoT devices" in html
