"""Replacing a QR label: the point gets a new token and the old label says so.

Wang Wei (admin) replaces the label of an area after it was torn off; anyone who
scans the old label learns when it was replaced and whom to ask (HTTP 410),
while the new label opens the point. Sun Hao (safety officer) may replace
machine labels but not area labels; Zhang San (operator) may replace none.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.formats import date_format
from django_tenants.utils import tenant_context

from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.models import Area, EquipmentType, RevokedQrToken
from safeloop.tenants.facilities.qr import QrErrorCode, revoke_token, revoked_token
from safeloop.tenants.facilities.services import create_equipment

pytestmark = pytest.mark.django_db


@pytest.fixture
def zone(in_acme):
    return Area.objects.filter(parent__code="W1").order_by("code").first()


@pytest.fixture
def press(in_acme, zone, wang):
    return create_equipment(
        by=wang,
        code="QR-PRESS",
        name="液压机",
        equipment_type=EquipmentType.objects.get(code="PRESS"),
        area=zone,
    )


def _revoke_page(point, kind="area") -> str:
    return f"/w/qr/{kind}/{point.pk}/revoke/"


def test_wang_replaces_a_label_and_the_old_one_says_when_and_whom_to_ask(
    as_wang, acme_client, zone
):
    old = zone.qr_token

    # when: Wang replaces the label because it was torn off
    response = as_wang.post(_revoke_page(zone), {"reason": "Torn off the wall"})
    zone.refresh_from_db()

    # then: the point has a new token and the old one is on record
    record = RevokedQrToken.objects.get(token=old)
    assert response.status_code == 302 and response["Location"] == f"/w/qr/?q={zone.code}"
    assert zone.qr_token != old
    assert (record.point_kind, record.point_id) == ("area", zone.pk)
    assert record.revoked_by.email == "wang@acme.test" and record.reason == "Torn off the wall"
    event = AuditEvent.objects.filter(verb="qr.revoked").latest("id")
    assert event.object_id == str(zone.pk) and event.data["reason"] == "Torn off the wall"

    # and: scanning the old label (signed out, in English) shows the replaced page
    acme_client.logout()
    stale = acme_client.get(f"/q/{old}/", HTTP_ACCEPT_LANGUAGE="en")
    html = stale.content.decode()
    with translation.override("en"):
        day = date_format(timezone.localtime(record.revoked_at), "DATE_FORMAT")
    assert stale.status_code == 410
    assert 'data-testid="qr-revoked"' in html
    assert f"This QR label was replaced on {day}" in html
    assert "Ask Wang Wei for the new one." in html
    assert "Torn off the wall" not in html  # the reason is for signed-in staff

    # and: the new label opens the point
    as_wang.force_login(record.revoked_by)
    fresh = as_wang.get(f"/q/{zone.qr_token}/")
    assert fresh.status_code == 200 and zone.code in fresh.content.decode()


def test_a_signed_in_scan_of_an_old_label_also_shows_the_reason(as_zhang, zone, wang):
    old = zone.qr_token
    revoke_token(zone, by=wang, reason="Photographed for misuse")

    page = as_zhang.get(f"/q/{old}/")

    assert page.status_code == 410
    assert 'data-testid="qr-revoked-reason"' in page.content.decode()


def test_a_label_replaced_twice_leaves_both_old_labels_replaced(in_acme, zone, wang):
    first = zone.qr_token
    revoke_token(zone, by=wang, reason="Faded")
    second = zone.qr_token
    revoke_token(zone, by=wang, reason="Faded again")

    assert revoked_token(first) is not None and revoked_token(second) is not None
    assert revoked_token(zone.qr_token) is None
    assert len({first, second, zone.qr_token}) == 3


def test_the_safety_officer_replaces_machine_labels_but_not_area_labels(as_sun, sun, zone, press):
    old_zone, old_press = zone.qr_token, press.qr_token

    machine = as_sun.post(_revoke_page(press, "equipment"), {"reason": "Damaged"})
    area = as_sun.post(_revoke_page(zone), {"reason": "Damaged"})
    press.refresh_from_db()
    zone.refresh_from_db()

    assert machine.status_code == 302 and press.qr_token != old_press
    assert area.status_code == 403 and zone.qr_token == old_zone
    with pytest.raises(PermissionDenied):
        revoke_token(zone, by=sun, reason="Damaged")


def test_operator_cannot_replace_a_label(as_zhang, zhang, zone, press):
    old_zone, old_press = zone.qr_token, press.qr_token

    page = as_zhang.get(_revoke_page(zone))
    area = as_zhang.post(_revoke_page(zone), {"reason": "Because"})
    machine = as_zhang.post(_revoke_page(press, "equipment"), {"reason": "Because"})
    zone.refresh_from_db()
    press.refresh_from_db()

    assert page.status_code == 403 and area.status_code == 403 and machine.status_code == 403
    assert zone.qr_token == old_zone and press.qr_token == old_press
    assert not RevokedQrToken.objects.exists()
    with pytest.raises(PermissionDenied):
        revoke_token(press, by=zhang, reason="Because")


def test_a_reason_is_required(as_wang, wang, zone):
    old = zone.qr_token

    page = as_wang.get(_revoke_page(zone))
    blank = as_wang.post(_revoke_page(zone), {"reason": "   "})
    with pytest.raises(ValidationError) as error:
        revoke_token(zone, by=wang, reason="")
    with pytest.raises(ValidationError) as too_long:
        revoke_token(zone, by=wang, reason="x" * 201)
    zone.refresh_from_db()

    assert page.status_code == 200 and 'data-testid="qr-revoke-form"' in page.content.decode()
    assert blank.status_code == 400 and 'data-testid="form-errors"' in blank.content.decode()
    assert error.value.error_dict["reason"][0].code == QrErrorCode.REASON_REQUIRED
    assert too_long.value.error_dict["reason"][0].code == QrErrorCode.REASON_TOO_LONG
    assert zone.qr_token == old and not RevokedQrToken.objects.exists()


def test_replacing_an_unknown_point_is_not_found(as_wang, zone):
    assert as_wang.post("/w/qr/area/999999/revoke/", {"reason": "x"}).status_code == 404
    assert as_wang.post(f"/w/qr/person/{zone.pk}/revoke/", {"reason": "x"}).status_code == 404


def test_a_globex_replaced_label_is_simply_unknown_at_acme(
    acme_client, globex_client, globex, chen
):
    with tenant_context(globex):
        area = Area.objects.order_by("code").first()
        old = area.qr_token
        revoke_token(area, by=chen, reason="Replaced")

    at_acme = acme_client.get(f"/q/{old}/")
    at_globex = globex_client.get(f"/q/{old}/")

    assert at_acme.status_code == 404 and 'data-testid="qr-invalid"' in at_acme.content.decode()
    assert at_globex.status_code == 410
    assert 'data-testid="qr-revoked"' in at_globex.content.decode()
