"""Where a link that needs a signed-in person sends a visitor (LOGIN_URL).

Hazard links reach people through the inbox, e-mails and chat robots. Li Na (team
leader, E1001) opens hers on a phone: she gets the quick employee-number + PIN
login and lands on the hazard. Wang Wei (the admin) opens his at his desk: he gets
the e-mail login. Either page is one tap from the other, and both come back to
the link.
"""

from __future__ import annotations

import pytest

from conftest import PASSWORD, PIN

pytestmark = pytest.mark.django_db

ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; 23127PN0CC) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
)
WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.49(0x18003137) NetType/WIFI"
)
DESKTOP = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)


def _follow(client, url: str, agent: str):
    return client.get(url, HTTP_USER_AGENT=agent, follow=True)


@pytest.fixture
def hazard_path(in_acme, zhang):
    """A hazard Zhang San reported at W1's first area (Li's team, Wang's enterprise)."""
    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.hazards.models import LibraryEntry
    from safeloop.tenants.hazards.services import report_hazard

    hazard = report_hazard(
        by=zhang,
        area=Area.objects.filter(parent__code="W1").order_by("code").first(),
        library_entry=LibraryEntry.objects.order_by("pk").first(),
    )
    return f"/h/{hazard.pk}/"


@pytest.mark.parametrize("agent", [ANDROID, WECHAT])
def test_a_hazard_link_on_a_phone_opens_the_quick_login(acme_client, hazard_path, agent):
    page = _follow(acme_client, hazard_path, agent)

    assert page.redirect_chain[-1][0] == f"/auth/quick/?next={hazard_path.replace('/', '%2F')}"
    html = page.content.decode()
    assert 'id="quick-login-form"' in html
    assert f'value="{hazard_path}"' in html  # next, carried by the form
    # The e-mail login is one tap away and keeps the link.
    assert f'href="/accounts/login/?next={hazard_path}"' in html


def test_after_the_pin_li_lands_on_the_hazard(acme_client, hazard_path):
    page = _follow(acme_client, hazard_path, ANDROID)
    login_url = page.redirect_chain[-1][0]

    signed_in = acme_client.post(
        login_url, {"employee_no": "E1001", "pin": PIN, "next": hazard_path}, follow=True
    )

    assert signed_in.redirect_chain[-1][0] == hazard_path
    assert 'data-testid="hazard-number"' in signed_in.content.decode()


def test_a_phone_that_knows_its_worker_asks_only_for_her_pin(acme_client, hazard_path):
    acme_client.post("/auth/quick/", {"employee_no": "E1001", "pin": PIN})
    acme_client.post("/accounts/logout/")

    # Even a browser that hides that it is a phone: the device cookie says so.
    page = _follow(acme_client, hazard_path, DESKTOP)

    assert page.redirect_chain[-1][0].startswith("/auth/quick/")
    assert 'data-testid="remembered"' in page.content.decode()


def test_a_hazard_link_on_a_desktop_opens_the_email_login(acme_client, hazard_path):
    page = _follow(acme_client, hazard_path, DESKTOP)

    assert page.redirect_chain[-1][0].startswith("/accounts/login/")
    html = page.content.decode()
    assert 'data-testid="login-submit"' in html and 'data-testid="quick-login-link"' in html

    signed_in = acme_client.post(
        "/accounts/login/",
        {"login": "wang@acme.test", "password": PASSWORD, "next": hazard_path},
        follow=True,
    )
    assert signed_in.redirect_chain[-1][0] == hazard_path


def test_a_phone_hint_from_client_hints_is_enough(acme_client, hazard_path):
    page = acme_client.get(hazard_path, follow=True, HTTP_SEC_CH_UA_MOBILE="?1")

    assert page.redirect_chain[-1][0].startswith("/auth/quick/")


@pytest.mark.parametrize("unsafe", ["https://evil.test/", "//evil.test/h/1/"])
def test_the_entry_never_sends_anyone_off_the_enterprise_host(acme_client, unsafe):
    phone = acme_client.get("/auth/login/", {"next": unsafe}, HTTP_USER_AGENT=ANDROID)
    desk = acme_client.get("/auth/login/", {"next": unsafe}, HTTP_USER_AGENT=DESKTOP)

    assert phone["Location"] == "/auth/quick/" and desk["Location"] == "/accounts/login/"
