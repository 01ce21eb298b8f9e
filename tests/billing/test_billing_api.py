"""Billing through GraphQL: the admin reads plan, usage and status, starts Checkout
(back to the host and port in use, never elsewhere) and opens the portal, also in a
read-only workspace; others read null and are refused."""

from __future__ import annotations

from django.conf import settings

from safeloop.platform.models import Enterprise
from tests.graphql.conftest import run

BILLING = """{ billing { plan { code maxPeople } subscriptionStatus readOnly keptUntil
  usage { limit used allowed } plans { code priceCny } } }"""
CHECKOUT = """mutation($input: StartCheckoutInput!) {
  startCheckout(input: $input) { url errors { field code message } } }"""


def test_the_admin_reads_plan_and_usage_others_read_null(acme_client, wang, zhang):
    acme_client.force_login(wang)
    billing = run(acme_client, BILLING)["billing"]

    assert billing["plan"]["code"] == "trial"
    assert billing["readOnly"] is False and billing["keptUntil"] is None
    people = next(u for u in billing["usage"] if u["limit"] == "people")
    assert people["used"] > 0 and people["allowed"] == billing["plan"]["maxPeople"]
    assert [p["code"] for p in billing["plans"]] == ["standard", "professional"]

    acme_client.force_login(zhang)
    assert run(acme_client, BILLING)["billing"] is None


def test_checkout_through_the_api_returns_to_this_host_and_works_while_read_only(
    acme, as_wang, fake_stripe, after_the_trial
):
    assert run(as_wang, BILLING)["billing"]["readOnly"] is True

    out = run(as_wang, CHECKOUT, {"input": {"plan": "standard"}})["startCheckout"]

    assert out["errors"] == [] and out["url"].startswith(f"{fake_stripe.url}/c/pay/")
    (call,) = fake_stripe.calls_to("POST", "/v1/checkout/sessions")
    host = f"acme.{settings.SAFELOOP_BASE_DOMAIN}"
    assert call.params["success_url"].startswith(f"http://{host}/billing/?checkout=success")


def test_checkout_refuses_a_return_to_another_site_and_says_when_stripe_is_down(
    acme_client, wang, stripe_down
):
    acme_client.force_login(wang)
    away = run(acme_client, CHECKOUT, {"input": {"plan": "standard", "returnPath": "//x.test"}})[
        "startCheckout"
    ]
    down = run(acme_client, CHECKOUT, {"input": {"plan": "standard"}})["startCheckout"]

    assert away["url"] is None
    assert [(e["field"], e["code"]) for e in away["errors"]] == [("returnPath", "invalid")]
    assert down["url"] is None
    assert [e["code"] for e in down["errors"]] == ["billing_unavailable"]
    assert (
        down["errors"][0]["message"]
        == "暂时无法连接支付服务商 Stripe，未做任何更改。请几分钟后重试。"
    )
    assert Enterprise.objects.get(schema_name="acme").stripe_customer_id == ""
