"""Sign-in throttles keyed so that a factory behind one address is not locked out.

Acme's whole site reaches SafeLoop from one public address (203.0.113.50).
Someone there tries PIN 1234 against thirty employee numbers: after ten
failures each further try waits, longer every time. Zhang San's phone, which
remembers him, still signs him in at once; Li Na on a borrowed phone is slowed
by a few seconds, not locked out. On the desktops, Zhang mistypes his password
ten times; Li Na signs in from the next desk all the same.
"""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from conftest import PASSWORD, PIN
from safeloop.tenants.accounts.throttles import PIN_FREE_FAILURES

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
FACTORY = "203.0.113.50"
GUESS = "1234"
STAFF_NUMBERS = ["E1001", "E1002", "D2001", "M3001", "M3002", "S4001", "L0001"]
THIRTY_NUMBERS = STAFF_NUMBERS + [f"E{n}" for n in range(2001, 2024)]


@pytest.fixture(autouse=True)
def _one_rate_window():
    """Freeze the clock: the counters' fixed windows then cannot roll over mid-test."""
    with time_machine.travel(timezone.now(), tick=False):
        yield


def _device(acme, address: str = FACTORY) -> Client:
    return Client(HTTP_HOST=f"{acme.slug}.{settings.SAFELOOP_BASE_DOMAIN}", REMOTE_ADDR=address)


def _pin(client: Client, employee_no: str | None, pin: str):
    data = {"pin": pin} if employee_no is None else {"employee_no": employee_no, "pin": pin}
    return client.post("/auth/quick/", data, **EN)


def _password(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password}, **EN)


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def _spray_pin_guesses(acme):
    attacker = _device(acme)
    return [_pin(attacker, number, GUESS) for number in THIRTY_NUMBERS]


def test_pin_guessing_across_thirty_employee_numbers_is_slowed_after_ten(acme):
    answers = _spray_pin_guesses(acme)

    assert [a.status_code for a in answers[:PIN_FREE_FAILURES]] == [200] * PIN_FREE_FAILURES
    slowed = answers[PIN_FREE_FAILURES:]
    assert {a.status_code for a in slowed} == {429}
    assert slowed[0]["Retry-After"] == "2"
    assert "Too many wrong PINs from this network. Wait 2 seconds and try again." in (
        slowed[0].content.decode()
    )
    assert 'data-retry-after="2"' in slowed[0].content.decode()


def test_slowed_pins_are_not_checked_so_the_guesser_cannot_lock_the_staff_out(acme):
    attacker = _device(acme)
    _spray_pin_guesses(acme)
    for _round in range(settings.SAFELOOP_PIN_MAX_FAILURES):
        for number in STAFF_NUMBERS:
            _pin(attacker, number, GUESS)

    with tenant_context(acme):
        from safeloop.tenants.facilities.models import Person

        failures = dict(Person.objects.values_list("employee_no", "pin_failures"))
    # The seven staff numbers came first in the spray: each was checked once, then never.
    assert all(failures[number] == 1 for number in STAFF_NUMBERS)


def test_each_further_failure_waits_longer(acme):
    attacker = _device(acme)
    for number in THIRTY_NUMBERS[:PIN_FREE_FAILURES]:
        _pin(attacker, number, GUESS)
    waits = []
    moment = timezone.now()
    for number in THIRTY_NUMBERS[PIN_FREE_FAILURES : PIN_FREE_FAILURES + 4]:
        with time_machine.travel(moment, tick=False):
            waits.append(int(_pin(attacker, number, GUESS)["Retry-After"]))
        moment += timedelta(seconds=waits[-1])
        with time_machine.travel(moment, tick=False):
            assert _pin(attacker, number, GUESS).status_code == 200  # tried, and wrong

    assert waits == [2, 4, 8, 16]


def test_zhangs_remembered_phone_signs_him_in_while_the_address_is_slowed(acme):
    zhangs_phone = _device(acme)
    _pin(zhangs_phone, "E1002", PIN)
    zhangs_phone.post("/accounts/logout/")

    _spray_pin_guesses(acme)
    response = _pin(zhangs_phone, None, PIN)

    assert response.status_code == 302
    assert _signed_in(zhangs_phone)


def test_li_on_a_borrowed_phone_is_slowed_a_few_seconds_not_locked_out(acme):
    _spray_pin_guesses(acme)
    borrowed = _device(acme)

    slowed = _pin(borrowed, "E1001", PIN)
    with time_machine.travel(
        timezone.now() + timedelta(seconds=int(slowed["Retry-After"])), tick=False
    ):
        response = _pin(borrowed, "E1001", PIN)

    assert slowed.status_code == 429
    assert int(slowed["Retry-After"]) <= 300
    assert response.status_code == 302
    assert _signed_in(borrowed)


def test_another_address_is_not_slowed(acme):
    _spray_pin_guesses(acme)

    response = _pin(_device(acme, "198.51.100.7"), "E1001", PIN)

    assert response.status_code == 302


def test_the_slowing_message_is_in_chinese_for_a_chinese_phone(acme):
    _spray_pin_guesses(acme)

    response = _device(acme).post(
        "/auth/quick/", {"employee_no": "E1001", "pin": PIN}, HTTP_ACCEPT_LANGUAGE="zh-CN"
    )

    assert response.status_code == 429
    assert "本网络输错 PIN 码次数过多，请等待 2 秒后再试。" in response.content.decode()


def test_ten_wrong_passwords_for_zhang_do_not_lock_li_out_at_the_same_address(acme):
    desk = _device(acme)
    for _typo in range(10):
        assert _password(desk, "zhang@acme.test", "not-it-2026").status_code == 200

    response = _password(_device(acme), "li@acme.test", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/w/"


def test_zhang_waits_after_five_typos_but_not_on_his_phones_own_network(acme):
    desk = _device(acme)
    for _typo in range(5):
        _password(desk, "zhang@acme.test", "not-it-2026")

    refused = _password(desk, "zhang@acme.test", PASSWORD)
    elsewhere = _device(acme, "198.51.100.8")
    response = _password(elsewhere, "zhang@acme.test", PASSWORD)

    assert refused.status_code == 200
    assert not _signed_in(desk)
    assert "Too many failed sign-ins. Please try again in" in refused.content.decode()
    assert response.status_code == 302
    assert _signed_in(elsewhere)


def test_a_password_sprayed_over_many_accounts_meets_the_address_ceiling(acme):
    sprayer = _device(acme)
    for n in range(60):
        _password(sprayer, f"guess{n}@acme.test", "Summer-2026!")

    response = _password(sprayer, "li@acme.test", PASSWORD)

    assert not _signed_in(sprayer)
    assert "Too many failed sign-ins." in response.content.decode()


def test_sign_in_goes_on_when_the_throttles_cache_is_down(acme, settings):
    # A real Redis client against a port nobody listens on: connection refused.
    settings.CACHES = {
        **settings.CACHES,
        "down": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    settings.RATELIMIT_USE_CACHE = "down"
    desk, phone = _device(acme), _device(acme)

    _password(desk, "zhang@acme.test", "not-it-2026")
    _pin(phone, "E1002", GUESS)
    by_password = _password(desk, "li@acme.test", PASSWORD)
    by_pin = _pin(phone, "E1001", PIN)

    assert (by_password.status_code, by_pin.status_code) == (302, 302)
