"""The QR point page in a real Chromium: quick login, one photo, one tap, send (3 taps)."""

from datetime import datetime, timedelta

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db

PIN = "2468"


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "geolocation": {"latitude": 31.2304, "longitude": 121.4737, "accuracy": 15},
        "permissions": ["geolocation"],
    }


def _camera_jpeg(path, taken):
    exif = Image.Exif()
    exif[0x0132] = taken.strftime("%Y:%m:%d %H:%M:%S")
    Image.effect_noise((3000, 2000), 60).convert("RGB").save(path, "JPEG", quality=95, exif=exif)
    return str(path)


def _w1_token():
    from django_tenants.utils import schema_context

    from safeloop.tenants.facilities.models import Area

    with schema_context("acme"):
        return Area.objects.filter(parent__code="W1").order_by("code").first().qr_token


def _hazard(number):
    from django_tenants.utils import schema_context

    from safeloop.tenants.hazards.models import Hazard

    with schema_context("acme"):
        hazard = Hazard.objects.get(number=number)
        return hazard, list(hazard.photos.all())


def _scan_and_sign_in(page, tenant_url):
    page.goto(tenant_url("acme", f"/q/{_w1_token()}/"))
    page.fill("input[name=employee_no]", "E1002")
    page.fill("input[name=pin]", PIN)
    page.locator("#quick-login-form button[type=submit]").click()
    expect(page.get_by_test_id("report-submit")).to_be_visible()


def test_zhang_reports_in_three_taps_with_a_shrunk_photo_and_location(page, tenant_url, tmp_path):
    _scan_and_sign_in(page, tenant_url)
    expect(page.get_by_test_id("gps-status")).to_have_attribute("data-state", "on")
    original = _camera_jpeg(tmp_path / "p.jpg", datetime.now() - timedelta(days=3))

    page.get_by_test_id("photo-slot-1").set_input_files(original)  # tap 1 (camera)
    page.get_by_test_id("library-entry-MECH-001").click()  # tap 2
    # Decoding and re-encoding a 6-megapixel photo on a busy 2-core runner can take
    # longer than the default 5 s; a phone takes about a second.
    expect(page.locator("[data-upload-bytes]")).to_have_count(1, timeout=30000)
    sent_bytes = int(page.locator("[data-upload-bytes]").get_attribute("data-upload-bytes"))
    page.get_by_test_id("report-submit").click()  # tap 3

    expect(page.get_by_test_id("report-done")).to_be_visible(timeout=20000)
    hazard, photos = _hazard(page.get_by_test_id("hazard-number").inner_text())
    assert sent_bytes < (tmp_path / "p.jpg").stat().st_size / 3
    assert hazard.latitude is not None and hazard.gps_accuracy_m == 15
    # the camera's clock survived the in-browser resize: a 3-day-old photo is flagged
    assert photos[0].is_stale and photos[0].width == 1600


def test_search_filters_the_library_and_nothing_is_sent_without_a_pick(page, tenant_url):
    _scan_and_sign_in(page, tenant_url)
    page.get_by_test_id("report-submit").click()
    expect(page.get_by_test_id("report-errors")).to_be_visible()

    page.get_by_test_id("library-search").fill("light curtain")
    expect(page.get_by_test_id("library-entry-MECH-002")).to_be_visible()
    expect(page.get_by_test_id("library-entry-MECH-001")).to_be_hidden()
    page.get_by_test_id("library-search").fill("")
    page.get_by_test_id("library-entry-MECH-001").click()
    expect(page.locator("input[name=library_entry]:checked")).to_have_count(1)
    page.get_by_test_id("library-entry-MECH-001").click()  # tapping again un-picks
    expect(page.locator("input[name=library_entry]:checked")).to_have_count(0)


def test_a_refused_photo_shows_the_error_and_keeps_the_photos_in_the_page(
    page, tenant_url, tmp_path
):
    _scan_and_sign_in(page, tenant_url)
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    page.get_by_test_id("photo-slot-2").set_input_files(str(bad))
    page.get_by_test_id("library-entry-MECH-001").click()
    page.get_by_test_id("report-submit").click()

    expect(page.get_by_test_id("report-errors")).to_be_visible()
    assert page.locator("[data-photos-lost]").count() == 0
    assert page.get_by_test_id("photo-slot-2").evaluate("i => i.files.length") == 1
    expect(page.get_by_test_id("report-submit")).to_be_enabled()
