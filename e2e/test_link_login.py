"""A hazard link from an e-mail, opened where people read their mail.

Zhang San reports a hazard at W1's first area from his phone. The server sends
its e-mails (the console backend: they land in the server's log, the real outbox
of that process). Liu Qiang, W1's director it is routed to (confined-space work
without a permit: a 重大 item, the area owner's), opens his e-mail's link on
his phone: the quick employee-number + PIN login, then the hazard. Wang Wei, the
admin (told of every major hazard), opens his at his desk: the e-mail login, then
the hazard.
"""

from __future__ import annotations

import email
import email.policy
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from conftest import PASSWORD
from e2e.conftest import ARTIFACTS, DESKTOP, PHONE
from e2e.test_report_page import ANDROID, PIN, Thumb, _quick_login, _report, _w1_token

pytestmark = pytest.mark.django_db


MAIL_SECONDS = 15


@pytest.fixture(params=["phone"])
def viewport_name(request):
    """Zhang reports from his phone."""
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "user_agent": ANDROID}


def _outbox(log: Path) -> list[email.message.EmailMessage]:
    """Every e-mail the server has sent so far (the console backend prints each one,
    followed by a line of dashes)."""
    text = log.read_text(errors="replace")
    chunks = re.findall(r"^Content-Type: text/plain.*?(?=^-{79}$)", text, re.M | re.S)
    return [email.message_from_string(c, policy=email.policy.default) for c in chunks]


def _link_sent_to(log: Path, address: str, number: str) -> str:
    """The link in the e-mail to ``address`` about hazard ``number``."""
    deadline = time.monotonic() + MAIL_SECONDS
    while True:
        for message in _outbox(log):
            if address in message["To"] and number in message["Subject"]:
                return re.search(r"https?://\S+", message.get_content()).group(0)
        assert time.monotonic() < deadline, f"no e-mail to {address} about {number}"
        time.sleep(0.3)


def _at(path: str):
    """A URL test for wait_for_url: this path (a login page's ?next=path is not it)."""
    return lambda url: urlsplit(url).path == path


def _hazard_path(number: str) -> str:
    from django_tenants.utils import schema_context

    from safeloop.tenants.hazards.models import Hazard

    with schema_context("acme"):
        return f"/h/{Hazard.objects.get(number=number).pk}/"


def test_an_emailed_hazard_link_opens_the_hazard_after_a_pin_on_a_phone_or_a_password_at_a_desk(
    page: Page, browser: Browser, tenant_url, server, tmp_path
):
    page.goto(tenant_url("acme", f"/q/{_w1_token()}/"))
    thumb = Thumb(page, touch=True)
    _quick_login(thumb, "E1002")
    number = _report(thumb, tmp_path, entry="PROC-002")  # routed to W1's director, Liu
    path = _hazard_path(number)

    # Liu's phone: the link from his e-mail, as sent.
    link = _link_sent_to(server["log"], "liu@acme.test", number)
    assert link == tenant_url("acme", path)
    ma = browser.new_context(**PHONE, locale="zh-CN", user_agent=ANDROID).new_page()
    ma.goto(link)
    expect(ma.locator("#quick-login-form")).to_be_visible()
    expect(ma.get_by_test_id("email-login-link")).to_be_visible()  # one tap away
    ARTIFACTS.mkdir(exist_ok=True)
    ma.screenshot(path=str(ARTIFACTS / "link-login-phone-quick.png"), full_page=True)
    _quick_login(Thumb(ma, touch=True), "D2001")
    ma.wait_for_url(_at(path))
    expect(ma.get_by_test_id("hazard-number")).to_have_text(number)
    ma.context.close()

    # Wang's desk: the e-mail login, then the same hazard.
    link = _link_sent_to(server["log"], "wang@acme.test", number)
    wang = browser.new_context(**DESKTOP, locale="zh-CN").new_page()
    wang.goto(link)
    expect(wang.get_by_test_id("login-submit")).to_be_visible()
    expect(wang.get_by_test_id("quick-login-link")).to_be_visible()
    wang.screenshot(path=str(ARTIFACTS / "link-login-desktop-email.png"), full_page=True)
    wang.fill("input[name=login]", "wang@acme.test")
    wang.fill("input[name=password]", PASSWORD)
    wang.get_by_test_id("login-submit").click()
    wang.wait_for_url(_at(path))
    expect(wang.get_by_test_id("hazard-number")).to_have_text(number)
    wang.context.close()


def test_a_phone_that_knows_its_worker_asks_only_for_the_pin(page: Page, tenant_url):
    page.goto(tenant_url("acme", "/auth/quick/?next=/inbox/"))
    _quick_login(Thumb(page, touch=True), "M3001")
    page.wait_for_url(_at("/inbox/"))
    page.goto(tenant_url("acme", "/accounts/logout/"))
    page.locator("main form button[type=submit]").click()

    page.goto(tenant_url("acme", "/inbox/"))  # a link from the inbox's own e-mail
    expect(page.get_by_test_id("remembered")).to_be_visible()
    page.fill("input[name=pin]", PIN)
    page.locator("#quick-login-form button[type=submit]").click()
    page.wait_for_url(_at("/inbox/"))
