"""Every acceptance level signs by hand ("multi-level review", seeds 001 and 003).

Zhang (operator, W1) reports a serious hazard: Li (team leader of W1) signs
first, then Sun (safety officer). Ma, the fitter, fixed it; Zhang may not sign
it off; Chen at Globex sees nothing of Acme.
"""

from __future__ import annotations

import base64
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import tenant_context
from PIL import Image

from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import Acceptance, Hazard, State
from tests.hazards.conftest import make_photo, make_signature

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def fixed_serious(zhang, ma, w1_area, library) -> Hazard:
    hazard = services.report_hazard(
        by=zhang,
        area=w1_area,
        library_entry=library("serious"),
        photos=[make_photo(size=(400, 300))],
    )
    return services.submit_rectification(
        hazard,
        by=ma,
        description="Guard bolted back",
        after_photos=[make_photo("after.jpg", size=(400, 300))],
        signature_data_url=make_signature(),
    )


def _png(image: Image.Image) -> str:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _accepted_events(hazard: Hazard) -> list[dict]:
    return list(
        AuditEvent.objects.filter(
            object_type="hazards.hazard", object_id=str(hazard.pk), verb="hazard.accepted"
        )
        .order_by("id")
        .values_list("data", flat=True)
    )


def test_each_level_stores_its_own_signature_and_names_it_in_the_audit_trail(
    fixed_serious, li, sun
):
    # when Li and then Sun sign their levels
    hazard = services.accept(fixed_serious, by=li, signature_data_url=make_signature())
    assert hazard.state == State.AWAITING_ACCEPTANCE
    hazard = services.accept(hazard, by=sun, signature_data_url=make_signature(), note=" OK ")

    # then each level has its own signature file, named in its audit event
    assert hazard.state == State.CLOSED
    team_leader, safety_officer = hazard.acceptances.order_by("id")
    assert (team_leader.level, safety_officer.level) == ("team_leader", "safety_officer")
    assert team_leader.signature.name != safety_officer.signature.name
    for acceptance in (team_leader, safety_officer):
        assert acceptance.signature.name.startswith("acme/signatures/")
        with acceptance.signature.open("rb") as stored, Image.open(stored) as image:
            assert image.format == "PNG" and image.getbbox() is not None
    events = _accepted_events(hazard)
    assert [e["signature"] for e in events] == [
        team_leader.signature.name,
        safety_officer.signature.name,
    ]
    assert [e["acceptance"] for e in events] == [team_leader.pk, safety_officer.pk]
    assert events[1]["note"] == "OK"


def test_the_signature_is_served_to_who_sees_the_hazard_only(
    fixed_serious, li, wang, zhang, acme_client, globex_client, globex
):
    services.accept(fixed_serious, by=li, signature_data_url=make_signature())
    url = f"/h/acceptance-signature/{fixed_serious.acceptances.get().pk}/"

    acme_client.force_login(wang)
    served = acme_client.get(url)
    acme_client.force_login(zhang)  # an operator sees only his own reports...
    own_report = acme_client.get(url)
    with tenant_context(globex):
        globex_client.force_login(get_user_model().objects.get(email="chen@globex.test"))
    elsewhere = globex_client.get(url)

    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert own_report.status_code == 200  # ...and this is one
    assert elsewhere.status_code == 404


def test_an_operator_cannot_sign_off_even_with_a_signature(fixed_serious, zhang):
    with pytest.raises(PermissionDenied):
        services.accept(fixed_serious, by=zhang, signature_data_url=make_signature())

    assert not Acceptance.objects.filter(hazard=fixed_serious).exists()
    assert _accepted_events(fixed_serious) == []


def test_the_next_level_cannot_sign_before_the_first(fixed_serious, sun):
    with pytest.raises(PermissionDenied):
        services.accept(fixed_serious, by=sun, signature_data_url=make_signature())

    assert Hazard.objects.get(pk=fixed_serious.pk).accepted_count == 0


@pytest.mark.parametrize(
    ("signature", "code"),
    [
        ("", "signature_missing"),
        ("data:image/png;base64,", "signature_invalid"),
        ("data:image/jpeg;base64,/9j/4AAQ", "signature_missing"),
        ("data:image/png;base64,not-base64!", "signature_invalid"),
        (_png(Image.new("RGBA", (300, 120), (0, 0, 0, 0))), "signature_missing"),  # blank pad
    ],
)
def test_a_missing_or_unreadable_signature_is_refused_and_nothing_is_recorded(
    fixed_serious, li, signature, code
):
    with pytest.raises(ValidationError) as raised:
        services.accept(fixed_serious, by=li, signature_data_url=signature)

    assert raised.value.error_dict["signature"][0].code == code
    hazard = Hazard.objects.get(pk=fixed_serious.pk)
    assert hazard.state == State.AWAITING_ACCEPTANCE and hazard.accepted_count == 0
    assert not hazard.acceptances.exists()
    assert _accepted_events(hazard) == []


def test_another_enterprises_admin_cannot_reach_the_sign_off(
    fixed_serious, globex_client, globex, acme
):
    with tenant_context(globex):
        globex_client.force_login(get_user_model().objects.get(email="chen@globex.test"))

    page = globex_client.get(f"/h/{fixed_serious.pk}/")
    posted = globex_client.post(
        f"/h/{fixed_serious.pk}/accept/", {"accept-signature": make_signature()}
    )

    assert page.status_code == 404 and posted.status_code == 404
    with tenant_context(acme):
        assert Hazard.objects.get(pk=fixed_serious.pk).accepted_count == 0
