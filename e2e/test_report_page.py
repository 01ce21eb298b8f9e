"""The QR point page in a real Chromium.

Zhang San (operator, E1002) scans the QR code at W1's first area, where the daily
area checklist applies but no task of his is due: the report is in front, and he
reports with three photos, one pick and "send" — five taps when his phone is
signed in, eight on his first scan (employee number, PIN, sign in). Every tap is
counted as a thumb makes it: a tap into a field before typing, the tap on a camera
slot (the file chooser), a pick, a button. Li Na (team leader, E1001) scans the
same point while her patrol is on: the checklist is in front, one tap on the
switch brings the report, and the checklist's camera boxes are out of reach.
"""

import uuid
from datetime import datetime, timedelta

import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from e2e.test_inspection_route import _wait_out_a_shift_change
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PIN = "2468"
# The browser of an Android phone, as the server sees it.
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; 23127PN0CC) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
)
SIGNED_IN_TAPS = 5  # 3 photos, 1 pick, send
FIRST_SCAN_TAPS = 8  # + employee number, PIN, sign in


@pytest.fixture
def browser_context_args(browser_context_args, viewport_name):
    phone = {"user_agent": ANDROID} if viewport_name == "phone" else {}
    return {
        **browser_context_args,
        **phone,
        "geolocation": {"latitude": 31.2304, "longitude": 121.4737, "accuracy": 15},
        "permissions": ["geolocation"],
    }


class Thumb:
    """Does what a person does on the page, and counts the taps it takes."""

    def __init__(self, page: Page, *, touch: bool):
        self.page = page
        self.touch = touch
        self.taps = 0

    def tap(self, target: Locator) -> None:
        if self.touch:
            target.tap()
        else:
            target.click()
        self.taps += 1

    def type(self, field: Locator, text: str) -> None:
        """A tap into the field, then the keyboard (not counted: typing isn't tapping)."""
        self.tap(field)
        field.press_sequentially(text)

    def photo(self, slot: Locator, path: str) -> None:
        """A tap on a camera slot opens the file chooser (the camera on a phone)."""
        with self.page.expect_file_chooser() as chooser:
            self.tap(slot)
        chooser.value.set_files(path)


def _photo(path, color: int) -> str:
    Image.new("RGB", (1200, 900), (color, 90, 160)).save(path, "JPEG", quality=90)
    return str(path)


def _report(thumb: Thumb, tmp_path, entry: str = "MECH-001") -> str:
    """Three photos, one pick, send; the confirmation's hazard number."""
    page = thumb.page
    # Nothing to scroll to or find first: the camera slots are on the screen.
    expect(page.get_by_test_id("photo-slot-1")).to_be_in_viewport()
    for slot, color in ((1, 0), (2, 80), (3, 160)):
        thumb.photo(
            page.get_by_test_id(f"photo-slot-{slot}"), _photo(tmp_path / f"{slot}.jpg", color)
        )
    thumb.tap(page.get_by_test_id(f"library-entry-{entry}"))
    thumb.tap(page.get_by_test_id("report-submit"))
    expect(page.get_by_test_id("report-done")).to_be_visible(timeout=30_000)
    return page.get_by_test_id("hazard-number").inner_text().strip()


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
        hazard = Hazard.objects.select_related("library_entry", "reporter__person").get(
            number=number
        )
        return hazard, list(hazard.photos.all())


def _quick_login(thumb: Thumb, employee_no: str) -> None:
    page = thumb.page
    thumb.type(page.locator("input[name=employee_no]"), employee_no)
    thumb.type(page.locator("input[name=pin]"), PIN)
    thumb.tap(page.locator("#quick-login-form button[type=submit]"))
    # The click returns once the next page is committed; its stylesheets may still be
    # on the way (a phone would not paint yet, but a measurement would read it bare).
    page.wait_for_load_state("load")


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


@pytest.mark.parametrize("viewport_name", ["phone"], indirect=True)
def test_zhang_reports_from_a_scan_in_five_taps_when_his_phone_is_signed_in(
    page, tenant_url, tmp_path, screenshot
):
    _scan_and_sign_in(page, tenant_url)
    page.goto(tenant_url("acme", f"/q/{_w1_token()}/"))  # the next scan: no tap

    # The report is in front: its camera slots are the first on the screen.
    expect(page.get_by_test_id("mode-report")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("photo-slot-1")).to_be_in_viewport()
    expect(page.get_by_test_id("checklist-form")).to_be_hidden()
    screenshot("report-in-front")
    thumb = Thumb(page, touch=True)
    number = _report(thumb, tmp_path)

    print(f"signed-in scan to report: {thumb.taps} taps")
    assert thumb.taps <= SIGNED_IN_TAPS
    hazard, photos = _hazard(number)
    assert len(photos) == 3 and hazard.library_entry.code == "MECH-001"


@pytest.mark.parametrize("viewport_name", ["phone"], indirect=True)
def test_zhang_reports_from_his_first_scan_in_eight_taps(page, tenant_url, tmp_path):
    thumb = Thumb(page, touch=True)
    page.goto(tenant_url("acme", f"/q/{_w1_token()}/"))  # the scan, signed out

    expect(page.locator("#quick-login-form")).to_be_visible()
    _quick_login(thumb, "E1002")
    expect(page.get_by_test_id("point-name")).to_be_visible()  # back on the point
    number = _report(thumb, tmp_path)

    print(f"first scan to report: {thumb.taps} taps")
    assert thumb.taps <= FIRST_SCAN_TAPS
    hazard, photos = _hazard(number)
    assert len(photos) == 3 and hazard.reporter.person.employee_no == "E1002"


def _lis_patrol_at_the_first_w1_area() -> None:
    """Set-up the e2e server can see: Li's patrol through W1's first area, now."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.hazards.forms_report import shift_for
    from safeloop.tenants.inspections.models import Point
    from safeloop.tenants.inspections.services import create_route, start_patrol

    with schema_context("acme"):
        users = get_user_model().objects
        wang, li = users.get(email="wang@acme.test"), users.get(email="li@acme.test")
        area = Area.objects.filter(parent__code="W1").order_by("code").first()
        name = f"W1 巡检 {uuid.uuid4().hex[:6].upper()}"
        route = create_route(
            by=wang, name=name, shift=shift_for(), points=[Point.objects.for_target(area)]
        )
        start_patrol(route, by=li)


def test_on_her_patrol_li_sees_the_checklist_and_one_tap_brings_the_report(
    page, tenant_url, tmp_path, screenshot, viewport_name
):
    _wait_out_a_shift_change()
    committed(_lis_patrol_at_the_first_w1_area)
    page.goto(tenant_url("acme", f"/q/{_w1_token()}/"))
    _quick_login(Thumb(page, touch=False), "E1001")

    # She came for the inspection: the checklist is in front, the report a tap away.
    expect(page.get_by_test_id("checklist-form")).to_be_visible()
    expect(page.get_by_test_id("inspection-due")).to_be_visible()
    expect(page.get_by_test_id("report-submit")).to_be_hidden()
    switch = page.get_by_test_id("mode-report").bounding_box()
    assert switch["height"] >= 44 and switch["width"] >= 120
    screenshot("inspect-mode")

    thumb = Thumb(page, touch=viewport_name == "phone")
    thumb.tap(page.get_by_test_id("mode-report"))
    expect(page.get_by_test_id("pane-report")).to_be_visible()
    # Only the report's camera slots can be reached now.
    expect(page.get_by_test_id("checklist-form")).to_be_hidden()
    visible_files = page.locator("input[type=file]:visible")
    expect(visible_files).to_have_count(3)
    assert visible_files.evaluate_all("inputs => inputs.every(i => i.name === 'photos')")
    assert page.url.endswith("?mode=report")  # a reload keeps the report in front
    screenshot("report-mode")

    number = _report(thumb, tmp_path, entry="MECH-002")
    assert thumb.taps <= SIGNED_IN_TAPS + 1  # the switch, then as anyone else
    hazard, photos = _hazard(number)
    assert len(photos) == 3 and hazard.reporter.email == "li@acme.test"

    # Without a script the switch is a link: the server shows the checklist again.
    page.goto(tenant_url("acme", f"/q/{_w1_token()}/?mode=inspect"))
    expect(page.get_by_test_id("checklist-form")).to_be_visible()
    expect(page.get_by_test_id("pane-report")).to_be_hidden()


@pytest.mark.parametrize("viewport_name", ["phone"], indirect=True)
def test_without_a_script_the_switch_is_two_links_and_both_forms_are_reachable(
    browser, browser_context_args, tenant_url
):
    page = browser.new_context(**browser_context_args, java_script_enabled=False).new_page()
    page.goto(tenant_url("acme", f"/q/{_w1_token()}/"))
    _quick_login(Thumb(page, touch=True), "E1002")
    expect(page.get_by_test_id("report-submit")).to_be_visible()

    page.get_by_test_id("mode-inspect").tap()
    page.wait_for_url("**?mode=inspect")
    expect(page.get_by_test_id("checklist-form")).to_be_visible()
    expect(page.get_by_test_id("pane-report")).to_be_hidden()

    page.get_by_test_id("mode-report").tap()
    page.wait_for_url("**?mode=report")
    expect(page.get_by_test_id("report-submit")).to_be_visible()
    expect(page.get_by_test_id("checklist-form")).to_be_hidden()
    page.context.close()
