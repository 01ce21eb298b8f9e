"""The third-party verifier's page: one hazard through its own QR, nothing else.

In these tests general hazards need two sign-offs: Li (team leader of W1),
then Zhao, the outside verifier. Zhao sees nothing on the board and cannot
open any hazard page; the verifier token is her only way in.
"""

from __future__ import annotations

import pytest

from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import GradePolicy, Hazard, State
from tests.hazards.conftest import make_photo, make_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified_general(in_acme):
    GradePolicy.objects.filter(grade="general").update(
        acceptance_levels=["team_leader", "verifier"]
    )


def _as(client, user):
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _fixed(zhang, ma, area, entry) -> Hazard:
    hazard = services.report_hazard(
        by=zhang, area=area, library_entry=entry, photos=[make_photo(size=(400, 300))]
    )
    return services.submit_rectification(
        hazard,
        by=ma,
        description="Guard replaced",
        after_photos=[make_photo("after.jpg", size=(400, 300))],
        signature_data_url=make_signature(),
    )


def test_verifier_accepts_after_the_team_leader_and_the_hazard_closes(
    verified_general, acme_client, zhang, ma, li, zhao, w1_area, library
):
    # given a fixed hazard whose path is team leader, then verifier
    hazard = _fixed(zhang, ma, w1_area, library("general"))
    assert hazard.acceptance_levels == ["team_leader", "verifier"]
    url = f"/h/v/{hazard.verifier_token}/"

    # when Li signs her level on the hazard page and Zhao signs through her QR
    li_accepts = _as(acme_client, li).post(
        f"/h/{hazard.pk}/accept/", {"accept-signature": make_signature(), "accept-note": "OK"}
    )
    page = _as(acme_client, zhao).get(url)
    zhao_accepts = acme_client.post(
        url,
        {
            "action": "accept",
            "accept-signature": make_signature(),
            "accept-note": "Verified on site",
        },
    )

    # then it is closed and Zhao's page shows the whole story
    assert li_accepts.status_code == 302
    assert page.status_code == 200
    html = page.content.decode()
    # one sign-off for her level, after the evidence: no second "accept" button
    assert html.count('data-testid="accept-submit"') == 1
    assert 'data-testid="action-accept"' not in html
    assert 'data-testid="action-reject"' in html
    sign_off = html.index('data-testid="acceptance-decision"')
    assert html.index('data-testid="photos-after"') < sign_off
    assert html.index('data-testid="rectifications"') < sign_off
    assert html.index('data-testid="signature-pad"') > sign_off
    assert zhao_accepts.status_code == 302 and zhao_accepts.url == url
    hazard.refresh_from_db()
    assert hazard.state == State.CLOSED
    after = acme_client.get(url).content.decode()
    assert "Verified on site" in after and 'data-testid="timeline-hazardclosed"' in after
    assert 'data-testid="acceptance-decision"' not in after
    zhao_signed = hazard.acceptances.get(level="verifier")
    assert f'src="/h/acceptance-signature/{zhao_signed.pk}/?v={hazard.verifier_token}"' in after


def test_verifier_page_shows_the_history_with_token_photo_links_and_no_way_out(
    verified_general, acme_client, zhang, ma, li, zhao, w1_area, library
):
    hazard = _fixed(zhang, ma, w1_area, library("general"))
    services.accept(hazard, by=li, signature_data_url=make_signature())

    html = _as(acme_client, zhao).get(f"/h/v/{hazard.verifier_token}/").content.decode()

    photo = hazard.photos.first()
    assert f'src="/h/photo/{photo.pk}/?v={hazard.verifier_token}"' in html
    assert 'data-testid="timeline-hazardaccepted"' in html
    assert 'href="/h/"' not in html  # no board
    assert f'href="/h/{hazard.pk}/"' not in html  # no hazard page
    for action in ("start", "rectify", "reassign", "extend", "dismiss"):
        assert f'data-testid="action-{action}"' not in html


def test_verifier_may_not_sign_before_the_team_leader(
    verified_general, acme_client, zhang, ma, zhao, w1_area, library
):
    hazard = _fixed(zhang, ma, w1_area, library("general"))
    url = f"/h/v/{hazard.verifier_token}/"

    page = _as(acme_client, zhao).get(url).content.decode()
    response = acme_client.post(
        url, {"action": "accept", "accept-signature": make_signature(), "accept-note": "too early"}
    )

    assert 'data-testid="accept-submit"' not in page
    assert response.status_code == 403
    hazard.refresh_from_db()
    assert hazard.accepted_count == 0


def test_verifier_rejects_with_a_reason_and_an_empty_one_is_refused(
    verified_general, acme_client, zhang, ma, li, zhao, w1_area, library
):
    hazard = _fixed(zhang, ma, w1_area, library("general"))
    services.accept(hazard, by=li, signature_data_url=make_signature())
    url = f"/h/v/{hazard.verifier_token}/"
    _as(acme_client, zhao)

    empty = acme_client.post(url, {"action": "reject", "reject-reason": ""})
    rejected = acme_client.post(url, {"action": "reject", "reject-reason": "Bolts missing"})

    assert empty.status_code == 200 and "Say what is still wrong." in empty.content.decode()
    assert rejected.status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == State.RECTIFYING


def test_verifier_can_change_nothing_else_through_her_page(
    verified_general, acme_client, zhang, ma, li, zhao, w1_area, library
):
    hazard = _fixed(zhang, ma, w1_area, library("general"))
    services.accept(hazard, by=li, signature_data_url=make_signature())
    url = f"/h/v/{hazard.verifier_token}/"
    _as(acme_client, zhao)

    other_action = acme_client.post(url, {"action": "dismiss", "dismiss-reason": "x"})
    act_endpoint = acme_client.post(
        f"/h/{hazard.pk}/accept/", {"accept-signature": make_signature(), "accept-note": "x"}
    )

    assert other_action.status_code == 404
    assert act_endpoint.status_code == 404
    hazard.refresh_from_db()
    assert hazard.state == State.AWAITING_ACCEPTANCE


def test_verifier_gets_404_on_hazard_pages_and_on_a_hazard_without_a_verifier_level(
    acme_client, zhang, ma, zhao, w1_area, library
):
    # a hazard under the default path (team leader only) was never meant for a verifier
    hazard = _fixed(zhang, ma, w1_area, library("general"))
    assert "verifier" not in hazard.acceptance_levels
    _as(acme_client, zhao)

    assert acme_client.get(f"/h/{hazard.pk}/").status_code == 404
    assert acme_client.get(f"/h/v/{hazard.verifier_token}/").status_code == 404
    assert acme_client.get("/h/v/not-a-token/").status_code == 404
    board = acme_client.get("/h/")
    assert board.status_code == 200 and list(board.context["page_obj"]) == []


def test_verifier_gets_404_on_another_hazards_page_even_with_her_own_token(
    verified_general, acme_client, zhang, ma, zhao, w1_area, library
):
    mine = _fixed(zhang, ma, w1_area, library("general"))
    other = _fixed(zhang, ma, w1_area, library("general"))
    _as(acme_client, zhao)

    assert acme_client.get(f"/h/v/{mine.verifier_token}/").status_code == 200
    assert acme_client.get(f"/h/{mine.pk}/").status_code == 404
    assert acme_client.get(f"/h/{other.pk}/").status_code == 404


def test_verifier_page_needs_sign_in(verified_general, acme_client, zhang, ma, w1_area, library):
    hazard = _fixed(zhang, ma, w1_area, library("general"))

    response = acme_client.get(f"/h/v/{hazard.verifier_token}/")

    assert response.status_code == 302
    assert "login" in response.url and "next=" in response.url


def test_token_of_another_tenant_is_404(
    verified_general, globex_client, globex, zhang, ma, w1_area, library
):
    from django.contrib.auth import get_user_model
    from django_tenants.utils import tenant_context

    hazard = _fixed(zhang, ma, w1_area, library("general"))
    with tenant_context(globex):
        chen = get_user_model().objects.get(email="chen@globex.test")
        globex_client.force_login(chen)

    assert globex_client.get(f"/h/v/{hazard.verifier_token}/").status_code == 404


def test_staff_who_see_the_hazard_can_read_the_verifier_page_without_forms(
    verified_general, acme_client, zhang, ma, li, sun, w1_area, library
):
    hazard = _fixed(zhang, ma, w1_area, library("general"))
    services.accept(hazard, by=li, signature_data_url=make_signature())

    html = _as(acme_client, sun).get(f"/h/v/{hazard.verifier_token}/").content.decode()

    assert 'data-testid="verify-page"' in html
    assert 'data-testid="accept-submit"' not in html
    assert 'data-testid="verify-not-yours"' in html
