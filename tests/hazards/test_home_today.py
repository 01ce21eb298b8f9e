"""The hazards on a person's home page: the fitter sees what to fix, the team leader what to
accept, each with its deadline; nobody else sees them there."""

from __future__ import annotations

import pytest

from safeloop.tenants.hazards import services
from tests.hazards.conftest import make_photo, make_signature

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9"}


def _report(zhang, area, entry):
    return services.report_hazard(
        by=zhang, area=area, library_entry=entry, photos=[make_photo("a.jpg")]
    )


def test_the_fitter_sees_the_hazard_to_fix_on_his_home(zhang, ma, w1_area, library, acme_client):
    hazard = _report(zhang, w1_area, library("general"))
    assert hazard.assignee.user == ma
    acme_client.force_login(ma)

    html = acme_client.get("/w/", **ZH).content.decode()

    assert f'data-testid="due-hazard-{hazard.number}"' in html
    assert "待整改隐患" in html
    assert f'href="/h/{hazard.pk}/"' in html


def test_the_team_leader_sees_the_fixed_hazard_to_accept(
    zhang, ma, li, w1_area, library, acme_client
):
    hazard = _report(zhang, w1_area, library("general"))
    services.start_rectification(hazard, by=ma)
    services.submit_rectification(
        hazard,
        by=ma,
        description="Guard replaced",
        after_photos=[make_photo("after.jpg")],
        signature_data_url=make_signature(),
    )
    acme_client.force_login(li)

    html = acme_client.get("/w/", **ZH).content.decode()

    assert f'data-testid="due-hazard-{hazard.number}"' in html
    assert "待验收隐患" in html


def test_the_reporter_has_nothing_to_fix_or_accept(zhang, w1_area, library, acme_client):
    hazard = _report(zhang, w1_area, library("general"))
    acme_client.force_login(zhang)

    html = acme_client.get("/w/", **ZH).content.decode()

    assert f'data-testid="due-hazard-{hazard.number}"' not in html
