"""A group HQ signs in on the public host in a real Chromium, finds its three sites
ranked by score, opens one site's indicators and its monthly report PDF."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Browser, expect

from e2e.conftest import ARTIFACTS
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PASSWORD = "Group-HQ-2026!"
# (closed within 24 h, reported) per day: three sites, three different scores.
SITES = (("Alpha", 19, 20), ("Bravo", 14, 20), ("Charlie", 6, 20))


def _group() -> dict:
    from django_tenants.utils import tenant_context

    from safeloop.platform import oversight
    from safeloop.platform.kpis import store_site_kpis
    from safeloop.platform.services import SignupData, provision_enterprise
    from safeloop.tenants.facilities.models import Person
    from safeloop.tenants.reports.monthly import previous_month
    from safeloop.tenants.reports.services import generate_monthly_report

    tag = uuid.uuid4().hex[:6]
    group = oversight.create_oversight(f"E2E 集团 {tag}")
    account = oversight.create_account(group, f"hq-{tag}@e2e.test", PASSWORD)
    today = timezone.localdate()
    made = {}
    for name, closed, reported in SITES:
        enterprise = provision_enterprise(
            SignupData(
                company_name=f"{name} {tag}",
                slug=f"hq-{name.lower()}-{tag}",
                industry="metal",
                admin_name="Admin",
                admin_email=f"admin@{name.lower()}-{tag}.test",
                admin_password=PASSWORD,
            )
        )
        for n in range(1, 11):
            values = {
                "closure_24h": {
                    "value": closed / reported,
                    "numerator": closed,
                    "denominator": reported,
                    "measured": True,
                }
            }
            store_site_kpis(enterprise.pk, today - timedelta(days=n), values, timezone.now())
        code = oversight.issue_invitation(group).code
        with tenant_context(enterprise):
            admin = Person.objects.filter(roles__contains=["admin"]).first()
            oversight.accept_invitation(code, by=admin.user)
            if name == "Bravo":
                generate_monthly_report(previous_month(), send=False)
        made[name] = enterprise.pk
    return {"email": account.user.email, "tag": tag, "month": previous_month(), **made}


@pytest.fixture(scope="module")
def hq_group(django_db_blocker):
    with django_db_blocker.unblock():
        return committed(_group)


def test_hq_ranks_three_sites_and_opens_one_sites_report(
    browser: Browser, browser_context_args, viewport_name, server, hq_group
):
    base = f"http://{settings.SAFELOOP_BASE_DOMAIN}:{server['port']}"
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    page.goto(f"{base}/hq/")
    page.wait_for_url("**/hq/login/**")
    page.fill("input[name=login]", hq_group["email"])
    page.fill("input[name=password]", PASSWORD)
    page.get_by_test_id("hq-login-submit").click()
    page.wait_for_url(f"{base}/hq/")

    ranking = page.get_by_test_id("ranking")
    for rank, (name, *_rest) in enumerate(SITES, start=1):
        expect(page.get_by_test_id(f"rank-{rank}")).to_contain_text(name)
    expect(page.get_by_test_id("rank-1").get_by_test_id("grade")).to_have_text("A")
    expect(page.get_by_test_id("rank-3").get_by_test_id("grade")).to_have_text("D")
    expect(page.get_by_test_id("formula")).to_contain_text("加权平均")
    width = browser_context_args["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    link = ranking.get_by_role("link", name=f"Bravo {hq_group['tag']}")
    assert link.bounding_box()["height"] >= 44
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"hq-ranking-{viewport_name}.png"), full_page=True)

    link.click()
    page.wait_for_url(f"**/hq/sites/{hq_group['Bravo']}/**")
    expect(page.get_by_test_id("figure-closure_24h")).to_contain_text("70 %")
    expect(page.get_by_test_id("figure-drill_pass_rate")).to_contain_text("暂未统计")
    month = f"{hq_group['month']:%Y-%m}"
    report = page.get_by_test_id(f"report-{month}")
    page.screenshot(path=str(ARTIFACTS / f"hq-site-{viewport_name}.png"), full_page=True)
    pdf = page.request.get(base + report.get_attribute("href"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # a code made for a site, then withdrawn (given to the wrong person)
    page.goto(f"{base}/hq/")
    page.get_by_test_id("new-invitation").click()
    page.wait_for_load_state("load")  # measured below: with the page's stylesheet
    code = page.get_by_test_id("invitation").first.locator("code").inner_text()
    withdraw = page.get_by_test_id("invitation").first.get_by_test_id("withdraw")
    assert withdraw.bounding_box()["height"] >= 44
    page.screenshot(path=str(ARTIFACTS / f"hq-invitations-{viewport_name}.png"), full_page=True)
    withdraw.click()
    expect(page.locator("body")).to_contain_text(f"邀请码 {code} 已撤回")
    # gone from the open codes; the HQ's trail says who made and withdrew it
    expect(page.get_by_test_id("open-invitations")).to_have_count(0)
    trail = page.get_by_test_id("hq-trail")
    expect(trail).to_contain_text(f"撤回了邀请码 {code}")
    expect(trail).to_contain_text(f"生成了邀请码 {code}")
    expect(trail).to_contain_text(hq_group["email"])
    page.screenshot(path=str(ARTIFACTS / f"hq-trail-{viewport_name}.png"), full_page=True)
    context.close()
