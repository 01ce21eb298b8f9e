"""The picture library on a phone (seed 004: "3 photos + 1 pick").

Zhang San (operator, E1002) scans the QR code at W1's first area on a 390 px wide
phone in Chinese, takes one photo and recognises the missing grinder guard by its
picture: one tap on the picture picks the entry, one on "send" files the report.
The hazard's page then shows the same picture beside the title.
"""

import pytest
from playwright.sync_api import expect

from e2e.test_report_page import Thumb, _hazard, _photo, _scan_and_sign_in
from tests.support.server import ARTIFACTS

pytestmark = pytest.mark.django_db

PICKED = "MECH-003"  # 砂轮机防护罩缺失: grinder wheel guard missing
MIN_TAP = 44  # px, WCAG 2.5.5 / Apple HIG


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


def _drawn(img) -> bool:
    """The picture is loaded and decoded (the library's are lazy: this waits for it)."""
    return img.evaluate("img => img.decode().then(() => img.naturalWidth > 0)")


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def test_zhang_picks_the_hazard_by_its_picture_on_his_phone(page, tenant_url, tmp_path, screenshot):
    _scan_and_sign_in(page, tenant_url)
    thumb = Thumb(page, touch=True)
    page.get_by_test_id("photo-slot-1").set_input_files(_photo(tmp_path / "1.jpg", 40))

    picture = page.get_by_test_id(f"library-picture-{PICKED}")
    entry = page.get_by_test_id(f"library-entry-{PICKED}")
    picture.scroll_into_view_if_needed()
    # The drawing is there and drawn (an SVG the server serves as an image), at the left
    # of a row a thumb can hit, and the page does not scroll sideways.
    expect(picture).to_be_visible()
    assert _drawn(picture)
    row, tile = entry.bounding_box(), picture.bounding_box()
    assert row["height"] >= MIN_TAP and tile["height"] >= MIN_TAP
    assert tile["x"] >= 0 and row["x"] + row["width"] <= page.viewport_size["width"]
    assert tile["x"] < entry.locator(".rp-entry-title").bounding_box()["x"]
    _no_sideways_scroll(page)
    screenshot("picker")
    ARTIFACTS.mkdir(exist_ok=True)  # the list alone, as large as the phone shows it
    page.locator("#library").screenshot(path=str(ARTIFACTS / "library-pictures-picker.png"))

    thumb.tap(picture)
    expect(entry.locator("input[name=library_entry]")).to_be_checked()
    screenshot("picked")
    thumb.tap(page.get_by_test_id("report-submit"))

    expect(page.get_by_test_id("report-done")).to_be_visible(timeout=30_000)
    hazard, photos = _hazard(page.get_by_test_id("hazard-number").inner_text().strip())
    assert hazard.library_entry.code == PICKED and len(photos) == 1
    assert thumb.taps == 2

    page.goto(tenant_url("acme", f"/h/{hazard.pk}/"))
    small = page.get_by_test_id("hazard-picture")
    expect(small).to_be_visible()
    assert _drawn(small)
    assert "grinder-guard.svg" in small.get_attribute("src")
    _no_sideways_scroll(page)
    screenshot("hazard-page")
