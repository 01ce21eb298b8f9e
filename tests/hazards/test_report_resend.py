"""A phone on a weak signal sends Zhang's report, gets no answer and sends it
again: the report form carries a one-time key, so the second send answers with
the hazard filed the first time. Nothing is filed twice and nobody hears of it
twice; two different reports (two keys) are two hazards.

Zhang San is an operator in W1; Ma Jun, W1's fitter, gets what is reported there.
"""

from __future__ import annotations

import re
from functools import partial

import pytest
from django.test import Client

from safeloop.tenants.alerts.models import Notification
from safeloop.tenants.hazards.models import Hazard
from tests.graphql.conftest import run
from tests.graphql.test_hazards_mutations import REPORT, as_user, gid
from tests.support.committed import at_once, committed, throwaway_enterprise

pytestmark = pytest.mark.django_db

KEY = "3f1c9a6e2b7d4e0f8a5b6c7d8e9f0a1b"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _url(point) -> str:
    return f"/q/{point.qr_token}/"


def _send(client, point, key: str, **data):
    data = {"shift": "day", "description": "Oil on the floor by the press", **data}
    return client.post(_url(point), {**data, "client_key": key})


def test_the_report_form_carries_a_fresh_key_each_time_it_is_shown(as_zhang, w1_area):
    keys = [
        re.search(
            r'name="client_key" value="([^"]+)"', as_zhang.get(_url(w1_area)).content.decode()
        )
        for _ in range(2)
    ]
    assert all(keys) and keys[0][1] != keys[1][1]


def test_the_same_form_sent_twice_files_one_hazard_and_tells_nobody_twice(as_zhang, w1_area, ma):
    first = _send(as_zhang, w1_area, KEY)
    told = Notification.objects.count()

    again = _send(as_zhang, w1_area, KEY)

    hazard = Hazard.objects.get()
    assert first["Location"] == again["Location"] == f"{_url(w1_area)}?done={hazard.pk}"
    assert told > 0 and Notification.objects.count() == told
    done = as_zhang.get(again["Location"]).content.decode()
    assert f'data-testid="hazard-number">{hazard.number}<' in done


def test_two_forms_are_two_hazards(as_zhang, w1_area):
    _send(as_zhang, w1_area, KEY)
    _send(as_zhang, w1_area, KEY[::-1])
    assert Hazard.objects.count() == 2


def test_another_persons_key_never_finds_your_report(as_zhang, w1_area, li):
    _send(as_zhang, w1_area, KEY)
    other = Client(HTTP_HOST=as_zhang.defaults["HTTP_HOST"])
    other.force_login(li)
    _send(other, w1_area, KEY)
    assert Hazard.objects.count() == 2


def test_the_app_retrying_report_hazard_with_its_key_gets_the_same_number(
    acme_client, zhang, w1_area
):
    variables = {"input": {"area": gid(w1_area), "description": "Guard missing", "clientKey": KEY}}
    client = as_user(acme_client, zhang)

    first = run(client, REPORT, variables)["reportHazard"]
    again = run(client, REPORT, variables)["reportHazard"]

    assert first["errors"] == again["errors"] == []
    assert first["number"] == again["number"]
    assert Hazard.objects.count() == 1


def test_an_overlong_key_is_refused_beside_the_field(acme_client, zhang, w1_area):
    variables = {"input": {"area": gid(w1_area), "description": "Guard", "clientKey": "k" * 101}}
    payload = run(as_user(acme_client, zhang), REPORT, variables)["reportHazard"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("clientKey", "invalid")]
    assert not Hazard.objects.exists()


# --- the same form sent twice at the same moment (two connections) ----------


@pytest.fixture
def works():
    with throwaway_enterprise() as enterprise:
        yield enterprise


def _reporter_and_area(enterprise):
    from django.contrib.auth import get_user_model

    from safeloop.tenants.facilities.models import Area

    admin = get_user_model().objects.get(email=f"admin@{enterprise.slug}.test")
    area = Area.objects.filter(kind="area").order_by("code").first()
    clients = [Client(HTTP_HOST=enterprise.host) for _ in range(3)]
    for client in clients:
        client.force_login(admin)
    return area, clients


def test_the_same_form_sent_at_the_same_moment_files_one_hazard(works):
    area, clients = committed(partial(_reporter_and_area, works), works)

    answers = at_once(*(partial(_send, client, area, KEY) for client in clients))

    locations = {a["Location"] if hasattr(a, "status_code") else repr(a) for a in answers}
    numbers = committed(lambda: list(Hazard.objects.values_list("pk", flat=True)), works)
    assert len(numbers) == 1
    assert locations == {f"{_url(area)}?done={numbers[0]}"}
