"""Evidence files are served only to who may see the hazard.

Li (team leader of W1) reports a hazard at the press line; Ma, the fitter, is
assigned; Wang, the admin, sees everything; Zhang, an operator, sees only his
own reports; Zhao, the verifier, sees one hazard through its verifier token;
Chen at Globex sees nothing of Acme.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import GradePolicy, Hazard, HazardPhoto, LibraryEntry
from tests.hazards.conftest import make_photo, make_signature

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _photo(name: str = "site.jpg"):
    return make_photo(name, size=(400, 300))


@pytest.fixture
def verified_general(in_acme):
    """General hazards are signed off by the team leader, then by the outside verifier."""
    GradePolicy.objects.filter(grade="general").update(
        acceptance_levels=["team_leader", "verifier"]
    )


@pytest.fixture
def hazard(verified_general, li, w1_area):
    return services.report_hazard(
        by=li,
        area=w1_area,
        library_entry=LibraryEntry.objects.get(code="MECH-004"),
        photos=[_photo()],
    )


@pytest.fixture
def photo(hazard) -> HazardPhoto:
    return hazard.photos.get()


def _get(client, user, url: str):
    client.force_login(user)
    return client.get(url)


def _photo_url(photo, token: str | None = None) -> str:
    return f"/h/photo/{photo.pk}/" + (f"?v={token}" if token else "")


def test_photo_is_served_to_the_assignee_and_the_admin(acme_client, photo, ma, wang):
    for user in (ma, wang):
        response = _get(acme_client, user, _photo_url(photo))

        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"].startswith("private")
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


def test_photo_is_404_for_an_operator_who_cannot_see_the_hazard(acme_client, photo, zhang):
    assert _get(acme_client, zhang, _photo_url(photo)).status_code == 404


def test_photo_is_404_on_another_enterprises_host(globex_client, globex, photo):
    with tenant_context(globex):
        chen = get_user_model().objects.get(email="chen@globex.test")
        globex_client.force_login(chen)

    assert globex_client.get(_photo_url(photo)).status_code == 404


def test_signed_out_request_is_sent_to_sign_in(acme_client, photo):
    response = acme_client.get(_photo_url(photo))

    assert response.status_code == 302 and "login" in response["Location"]


def test_verifier_sees_a_photo_only_with_that_hazards_token(acme_client, zhao, photo, li, w1_area):
    other = services.report_hazard(
        by=li, area=w1_area, library_entry=photo.hazard.library_entry, description="other"
    )
    acme_client.force_login(zhao)

    assert acme_client.get(_photo_url(photo)).status_code == 404
    assert acme_client.get(_photo_url(photo, "wrong-token")).status_code == 404
    assert acme_client.get(_photo_url(photo, other.verifier_token)).status_code == 404
    assert acme_client.get(_photo_url(photo, photo.hazard.verifier_token)).status_code == 200


def test_a_verifier_token_does_not_open_files_to_other_roles(acme_client, zhang, photo):
    response = _get(acme_client, zhang, _photo_url(photo, photo.hazard.verifier_token))

    assert response.status_code == 404


def test_verifier_token_opens_nothing_when_no_verifier_signs_that_hazard(acme_client, zhao, photo):
    Hazard.objects.filter(pk=photo.hazard_id).update(acceptance_levels=["team_leader"])

    response = _get(acme_client, zhao, _photo_url(photo, photo.hazard.verifier_token))

    assert response.status_code == 404


def test_signature_is_served_to_the_acceptor_and_hidden_from_others(acme_client, hazard, ma, li):
    services.start_rectification(hazard, by=ma)
    services.submit_rectification(
        hazard,
        by=ma,
        description="Guard refitted",
        after_photos=[_photo("after.jpg")],
        signature_data_url=make_signature(),
    )
    rectification = hazard.rectifications.get()
    url = f"/h/signature/{rectification.pk}/"

    seen = _get(acme_client, li, url)
    acme_client.force_login(get_user_model().objects.get(email="zhang@acme.test"))
    hidden = acme_client.get(url)

    assert seen.status_code == 200 and seen["Content-Type"] == "image/png"
    assert hidden.status_code == 404
    assert rectification.signature.name.startswith("acme/signatures/")


def test_a_file_outside_this_enterprises_prefix_is_never_served(acme_client, photo, wang):
    HazardPhoto.objects.filter(pk=photo.pk).update(image="globex/hazards/stolen.jpg")

    assert _get(acme_client, wang, _photo_url(photo)).status_code == 404


def test_a_missing_file_is_404(acme_client, photo, wang):
    photo.image.storage.delete(photo.image.name)

    assert _get(acme_client, wang, _photo_url(photo)).status_code == 404


def test_unknown_photo_is_404(acme_client, wang):
    assert _get(acme_client, wang, "/h/photo/999999/").status_code == 404
