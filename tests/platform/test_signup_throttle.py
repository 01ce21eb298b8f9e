"""Signup is throttled per client address: every new enterprise is a schema.

A script posted 30 signups from one address in 23.5 s and got 30 enterprises.
Now three new workspaces per address in ten minutes (ten a day) are allowed;
the next one is refused with HTTP 429, says when to try again, and creates
nothing. Typos do not count, other addresses are not affected, and a proxy's
X-Forwarded-For is believed only when the proxy is trusted.
"""

import logging
import re

import pytest
import time_machine
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import timezone
from django_tenants.utils import schema_exists

from safeloop.platform.models import Enterprise
from safeloop.platform.throttle import client_ip, client_network

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}


@pytest.fixture(autouse=True)
def _one_rate_window():
    """Freeze the clock: the counters' fixed windows then cannot roll over mid-test."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def _form(n: int, **overrides) -> dict:
    values = {
        "company_name": f"Quarry {n}",
        "slug": f"quarry{n}",
        "industry": "mining",
        "admin_name": "Liu Yang",
        "admin_email": f"liu@quarry{n}.test",
        "admin_password": "Open-Pit-2026!",
    }
    values.update(overrides)
    return values


def _from(address: str, **headers) -> Client:
    return Client(HTTP_HOST=settings.SAFELOOP_BASE_DOMAIN, REMOTE_ADDR=address, **headers)


def test_fourth_signup_from_one_address_in_ten_minutes_is_refused_and_creates_nothing():
    script = _from("203.0.113.7")
    for n in range(3):
        assert script.post("/signup/", _form(n), **EN).status_code == 302

    refused = script.post("/signup/", _form(3), **EN)

    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Several workspaces were just created from your network." in html
    # The header and the words agree, and the wait ends within the 10-minute window.
    retry_after = int(refused["Retry-After"])
    assert 0 < retry_after <= 600
    told = re.search(r"Please try again in (\d+) (second|minute)s?\.", html)
    assert told, html
    wait, unit = int(told[1]), told[2]
    assert wait == (retry_after if unit == "second" else -(-retry_after // 60))
    assert not Enterprise.objects.filter(slug="quarry3").exists()
    assert not schema_exists("quarry3")
    assert Enterprise.objects.filter(slug__startswith="quarry").count() == 3


def test_refused_signup_tells_a_chinese_visitor_when_to_try_again():
    script = _from("203.0.113.8")
    for n in range(3):
        script.post("/signup/", _form(n), **ZH)

    refused = script.post("/signup/", _form(3), **ZH)

    assert refused.status_code == 429
    assert "刚才已从您的网络创建了多个工作空间。" in refused.content.decode()
    assert re.search(r"请在 \d+ (秒|分钟)后再试。", refused.content.decode())


def test_signups_that_were_refused_for_a_typo_do_not_count():
    visitor = _from("203.0.113.9")
    for _typo in range(5):
        assert visitor.post("/signup/", _form(0, slug="acme"), **EN).status_code == 200

    assert visitor.post("/signup/", _form(0), **EN).status_code == 302


def test_a_neighbour_at_another_address_can_still_sign_up():
    script = _from("203.0.113.10")
    for n in range(4):
        script.post("/signup/", _form(n), **EN)

    neighbour = _from("198.51.100.20").post("/signup/", _form(9), **EN)

    assert neighbour.status_code == 302
    assert Enterprise.objects.filter(slug="quarry9").exists()


def test_daily_ceiling_refuses_and_names_the_wait(settings):
    settings.SAFELOOP_SIGNUP_RATES = ["100/10m", "2/d"]
    script = _from("203.0.113.11")
    for n in range(2):
        script.post("/signup/", _form(n), **EN)

    refused = script.post("/signup/", _form(2), **EN)

    assert refused.status_code == 429
    # django-ratelimit's day window ends at a time fixed by the key's hash, so the wait
    # left is anything up to a day: named in hours, or in minutes in its last two hours
    # (it failed at 12:20 Shanghai time, inside the last two hours of this address's window).
    assert re.search(r"\d+ (hours?|minutes?)", refused.content.decode())


def test_a_forged_forwarded_for_header_does_not_dodge_the_throttle():
    for n in range(3):
        _from("203.0.113.12", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}").post("/signup/", _form(n))

    refused = _from("203.0.113.12", HTTP_X_FORWARDED_FOR="10.9.9.99").post("/signup/", _form(3))

    assert refused.status_code == 429


def test_behind_a_trusted_proxy_each_visitor_is_counted_on_their_own(settings):
    settings.SAFELOOP_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for n in range(3):
        _from("10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.13").post("/signup/", _form(n))

    other = _from("10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.21").post("/signup/", _form(7))
    same = _from("10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.13").post("/signup/", _form(8))

    assert other.status_code == 302
    assert same.status_code == 429


def test_client_ip_reads_forwarded_for_from_the_right_past_trusted_proxies(settings):
    settings.SAFELOOP_TRUSTED_PROXIES = ["10.0.0.0/8", "192.0.2.1"]
    request = RequestFactory().get(
        "/",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5, 192.0.2.1",
    )
    untrusted = RequestFactory().get("/", REMOTE_ADDR="203.0.113.6", HTTP_X_FORWARDED_FOR="1.2.3.4")
    garbled = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="nonsense")

    assert client_ip(request) == "203.0.113.5"  # "1.2.3.4" was written by the client
    assert client_ip(untrusted) == "203.0.113.6"
    assert client_ip(garbled) == "10.0.0.2"


def test_sub_domain_checks_are_throttled_too():
    script = _from("203.0.113.14")
    answers = [script.get("/signup/check-slug/", {"slug": f"probe{n}"}, **EN) for n in range(61)]

    assert {a.status_code for a in answers[:60]} == {200}
    assert answers[60].status_code == 429
    assert answers[60].json()["code"] == "throttled"
    assert "Please try again in" in answers[60].json()["message"]


def test_signup_goes_on_when_the_throttles_cache_is_down(settings, caplog):
    # A real Redis client against a port nobody listens on: connection refused.
    settings.CACHES = {
        **settings.CACHES,
        "down": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    settings.RATELIMIT_USE_CACHE = "down"
    script = _from("203.0.113.15")

    with caplog.at_level(logging.WARNING, logger="safeloop.platform.throttle"):
        answers = [script.post("/signup/", _form(n), **EN).status_code for n in range(4)]

    assert answers == [302, 302, 302, 302]
    assert "throttle signup skipped: the cache did not answer" in caplog.text


def test_ipv6_visitors_are_counted_by_their_64_network():
    one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::17")
    same_network = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::1")
    other = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:3::17")
    v4 = RequestFactory().get("/", REMOTE_ADDR="203.0.113.16")

    assert client_network(one) == client_network(same_network) == "2001:db8:1:2::/64"
    assert client_network(other) != client_network(one)
    assert client_network(v4) == "203.0.113.16"
