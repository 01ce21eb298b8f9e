"""The demo enterprise's safety manager (Wang Wei, admin and safety manager) sees data
in every panel of the home dashboard on first login: the daily table, open hazards
by grade, the four colours, a closure-time trend and a heat map by area."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.platform.test_demo import WANG, client_of, demo, in_demo  # noqa: F401 — fixtures

pytestmark = pytest.mark.django_db


def test_every_dashboard_panel_has_data_on_first_login(in_demo):  # noqa: F811
    body = client_of(WANG).get(reverse("workspace:home")).content.decode()

    assert 'data-testid="kpi-table"' in body and 'data-testid="kpi-empty"' not in body
    counts = body.split('data-testid="dash-open"')[1].split("<strong>")[1].split("</strong>")[0]
    assert int(counts) > 0
    bands = body.split('data-testid="dash-bands"')[1].split("</ul>")[0]
    assert sum(int(n.split("</strong>")[0]) for n in bands.split("<strong>")[1:]) > 0
    trend = json.loads(body.split('id="dash-trend-data" type="application/json">')[1].split("<")[0])
    assert any(hours is not None for hours in trend["hours"])
    heat = json.loads(body.split('id="dash-heat-data" type="application/json">')[1].split("<")[0])
    assert heat["rows"] and heat["max"] > 0
