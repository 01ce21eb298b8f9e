"""The QR point page: Zhang scans the press in W1, takes photos, taps an entry, sends.

Zhang San is an operator in W1 (stamping); Ma Jun, the fitter there, fixes what
is reported; Zhao Min is a third-party verifier and may not report; Globex is
another enterprise whose QR codes mean nothing at Acme.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.tenants.hazards.forms_report import shift_for
from safeloop.tenants.hazards.models import Hazard, HazardSettings, LibraryEntry, State
from tests.hazards.conftest import make_photo
from tests.inspections.conftest import next_mid_shift

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _url(point) -> str:
    return f"/q/{point.qr_token}/"


def _report(client, point, **data):
    data.setdefault("shift", "day")
    return client.post(_url(point), data)


def test_zhang_reports_with_three_photos_and_one_pick_and_it_is_routed(as_zhang, press, ma):
    entry = LibraryEntry.objects.get(code="MECH-002")
    photos = [make_photo("site.jpg"), make_photo("plate.jpg"), make_photo("around.jpg")]

    sent = _report(
        as_zhang,
        press,
        photos=photos,
        library_entry=entry.pk,
        shift="night",
        latitude="31.230416",
        longitude="121.473701",
        gps_accuracy_m="12",
    )

    hazard = Hazard.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"{_url(press)}?done={hazard.pk}"
    assert hazard.state == State.ASSIGNED and hazard.assignee.user == ma
    assert hazard.library_entry == entry and hazard.equipment == press
    assert hazard.area == press.area and hazard.shift == "night"
    assert str(hazard.latitude) == "31.230416" and hazard.gps_accuracy_m == 12
    names = [p.image.name for p in hazard.photos.all()]
    assert len(names) == 3 and all(name.startswith("acme/hazards/") for name in names)

    done = as_zhang.get(sent["Location"])
    html = done.content.decode()
    assert 'data-testid="report-done"' in html
    assert f'data-testid="hazard-number">{hazard.number}<' in html
    assert "Ma Jun" in html
    assert reverse("hazards:detail", args=[hazard.pk]) in html


def test_a_short_description_is_enough_and_a_near_miss_is_marked(as_zhang, w1_area):
    sent = _report(
        as_zhang, w1_area, description="Oil on the floor by the door\nslippery", is_near_miss="on"
    )

    hazard = Hazard.objects.get()
    assert sent.status_code == 302
    assert hazard.is_near_miss and hazard.library_entry is None
    assert hazard.title == "Oil on the floor by the door" and hazard.equipment is None
    assert hazard.photos.count() == 0


def test_without_pick_or_description_the_form_says_so_and_nothing_is_saved(as_zhang, press):
    page = _report(as_zhang, press, photos=[make_photo(size=(400, 300))], description="  ")

    assert page.status_code == 200
    assert page.context["form"].errors.as_data()["description"][0].code == "required"
    html = page.content.decode()
    assert 'data-testid="report-errors"' in html and "data-photos-lost" in html
    assert not Hazard.objects.exists()


def test_a_bad_photo_is_refused_and_the_picked_entry_stays_picked(as_zhang, press):
    entry = LibraryEntry.objects.get(code="MECH-001")
    not_a_photo = SimpleUploadedFile("site.jpg", b"not a jpeg at all", content_type="image/jpeg")

    page = _report(as_zhang, press, photos=[not_a_photo], library_entry=entry.pk)

    html = page.content.decode()
    assert page.status_code == 200 and not Hazard.objects.exists()
    assert page.context["photo_errors"]
    assert f'value="{entry.pk}" checked' in html


def test_a_script_post_with_errors_gets_400_so_the_page_keeps_its_photos(as_zhang, press):
    page = as_zhang.post(_url(press), {"shift": "day"}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")

    assert page.status_code == 400
    assert 'data-testid="report-errors"' in page.content.decode()


def test_more_than_three_photos_are_refused(as_zhang, press):
    entry = LibraryEntry.objects.get(code="MECH-001")

    page = _report(
        as_zhang,
        press,
        photos=[make_photo(size=(40, 30)) for _ in range(4)],
        library_entry=entry.pk,
    )

    assert page.status_code == 200 and page.context["photo_errors"]
    assert not Hazard.objects.exists()


def test_a_broken_location_is_dropped_without_blocking_the_report(as_zhang, w1_area):
    entry = LibraryEntry.objects.get(code="MECH-001")

    sent = _report(as_zhang, w1_area, library_entry=entry.pk, latitude="abc", longitude="200")

    hazard = Hazard.objects.get()
    assert sent.status_code == 302
    assert hazard.latitude is None and hazard.longitude is None and hazard.gps_accuracy_m is None


def test_page_lists_the_whole_library_with_the_machines_own_entries_first(as_zhang, press):
    html = as_zhang.get(_url(press)).content.decode()

    entries = html.count('data-testid="library-entry-')
    assert entries >= 25
    first = html.index('data-testid="library-entry-')
    assert html[first:].startswith('data-testid="library-entry-MECH-001"')
    assert 'data-testid="point-name">Press<' in html
    for testid in ("photo-slot-1", "photo-slot-2", "photo-slot-3", "library-search"):
        assert f'data-testid="{testid}"' in html
    assert html.count('accept="image/*" capture="environment"') == 3
    assert 'data-testid="near-miss"' in html and 'data-testid="report-submit"' in html
    assert 'data-testid="anonymous"' not in html  # off by default


def test_shift_follows_the_clock_and_is_preselected(as_zhang, w1_area):
    shanghai = ZoneInfo("Asia/Shanghai")
    at = {h: datetime(2026, 3, 2, h, 30, tzinfo=shanghai) for h in (0, 7, 8, 15, 16, 23)}

    assert [shift_for(at[h]) for h in (0, 7, 8, 15, 16, 23)] == [
        "night",
        "night",
        "day",
        "day",
        "middle",
        "middle",
    ]
    # The page preselects the shift that is on: looked at in the middle of each of the
    # next three shifts, so a shift change can't fall between the request and the check.
    seen = []
    moment = timezone.now()
    for _ in range(3):
        moment = next_mid_shift(moment)
        with time_machine.travel(moment, tick=True):
            html = as_zhang.get(_url(w1_area)).content.decode()
        shift = shift_for(moment)
        assert f'value="{shift}" data-testid="shift-{shift}" checked' in html
        others = {"day", "middle", "night"} - {shift}
        assert not any(f'data-testid="shift-{other}" checked' in html for other in others)
        seen.append(shift)
    assert sorted(seen) == ["day", "middle", "night"]


def test_anonymous_reports_when_the_enterprise_allows_them(as_zhang, w1_area):
    HazardSettings.objects.create(anonymous_reporting=True)
    entry = LibraryEntry.objects.get(code="MECH-001")

    form = as_zhang.get(_url(w1_area)).content.decode()
    sent = _report(as_zhang, w1_area, library_entry=entry.pk, anonymous="on")
    done = as_zhang.get(sent["Location"]).content.decode()

    hazard = Hazard.objects.get()
    assert 'data-testid="anonymous"' in form
    assert hazard.is_anonymous and hazard.reporter is None
    assert f'data-testid="hazard-number">{hazard.number}<' in done


def test_confirmation_is_shown_only_to_the_session_that_reported(
    as_zhang, acme_client, w1_area, li
):
    entry = LibraryEntry.objects.get(code="MECH-001")
    sent = _report(as_zhang, w1_area, library_entry=entry.pk)

    acme_client.logout()
    acme_client.force_login(li)
    other = acme_client.get(sent["Location"])

    assert other.status_code == 302 and other["Location"] == _url(w1_area)


def test_unknown_token_shows_a_not_valid_page_with_404(as_zhang):
    page = as_zhang.get("/q/not-a-real-token/")

    assert page.status_code == 404
    assert 'data-testid="qr-invalid"' in page.content.decode()


def test_another_enterprises_qr_code_is_unknown_here(as_zhang, globex):
    from safeloop.tenants.facilities.models import Area

    with tenant_context(globex):
        globex_area = Area.objects.order_by("code").first()

    page = as_zhang.get(_url(globex_area))

    assert page.status_code == 404
    assert 'data-testid="qr-invalid"' in page.content.decode()


def test_signed_out_phone_goes_to_quick_login_and_comes_back(acme_client, w1_area):
    page = acme_client.get(_url(w1_area))

    assert page.status_code == 302
    assert (
        page["Location"] == f"{reverse('accounts:quick_login')}?next=%2Fq%2F{w1_area.qr_token}%2F"
    )


def test_verifier_may_not_report(acme_client, zhao, w1_area):
    acme_client.force_login(zhao)
    entry = LibraryEntry.objects.get(code="MECH-001")

    page = acme_client.get(_url(w1_area))
    sent = _report(acme_client, w1_area, library_entry=entry.pk)

    assert page.status_code == 403 and sent.status_code == 403
    assert 'data-testid="forbidden"' in page.content.decode()
    assert not Hazard.objects.exists()
