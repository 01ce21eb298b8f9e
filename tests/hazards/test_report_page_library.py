"""The hazard library on the QR point page comes from the cache, and whatever changes
the library shows on the very next scan.

Zhang San operates in W1 and scans its areas and the press there; Globex is another
enterprise (a food plant) with a library of its own.
"""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from safeloop.tenants.hazards.models import HazardCategory, LibraryEntry

pytestmark = pytest.mark.django_db


def _url(point) -> str:
    return f"/q/{point.qr_token}/"


def _page(client, point, **headers) -> str:
    page = client.get(_url(point), **headers)
    assert page.status_code == 200
    return page.content.decode()


def test_an_entry_changed_by_any_means_shows_on_the_next_scan(as_zhang, w1_area):
    entry = LibraryEntry.objects.get(code="MECH-001")
    assert entry.title in _page(as_zhang, w1_area)

    # Not through a service or a signal: a bulk update, as a data fix would do it.
    LibraryEntry.objects.filter(pk=entry.pk).update(title="冲床防护罩缺失（已更正）")

    assert "冲床防护罩缺失（已更正）" in _page(as_zhang, w1_area)


def test_a_switched_off_entry_disappears_and_a_new_one_appears(as_zhang, w1_area):
    gone = LibraryEntry.objects.get(code="MECH-001")
    assert 'data-testid="library-entry-MECH-001"' in _page(as_zhang, w1_area)

    LibraryEntry.objects.filter(pk=gone.pk).update(is_active=False)
    LibraryEntry.objects.create(
        code="MECH-901",
        title="传送带急停拉绳松弛",
        category=HazardCategory.objects.get(code=gone.category.code),
        grade="general",
    )

    html = _page(as_zhang, w1_area)
    assert 'data-testid="library-entry-MECH-001"' not in html
    assert 'data-testid="library-entry-MECH-901"' in html and "传送带急停拉绳松弛" in html


def test_a_renamed_category_shows_on_the_next_scan(as_zhang, w1_area):
    category = LibraryEntry.objects.get(code="MECH-001").category
    _page(as_zhang, w1_area, HTTP_ACCEPT_LANGUAGE="en")

    HazardCategory.objects.filter(pk=category.pk).update(name_en="Machinery and guards")

    assert "Machinery and guards" in _page(as_zhang, w1_area, HTTP_ACCEPT_LANGUAGE="en")


def test_a_machines_own_entries_come_first_only_on_its_page(as_zhang, press, w1_area):
    machine = _page(as_zhang, press)
    area = _page(as_zhang, w1_area)

    assert "rp-group-own" in machine and "rp-group-own" not in area
    assert machine.index("rp-group-own") < machine.index('data-testid="library-entry-')


def test_the_library_follows_the_language(as_zhang, w1_area):
    entry = LibraryEntry.objects.get(code="MECH-001")
    assert entry.title_en and entry.title_en != entry.title

    chinese = _page(as_zhang, w1_area, HTTP_ACCEPT_LANGUAGE="zh-CN")
    english = _page(as_zhang, w1_area, HTTP_ACCEPT_LANGUAGE="en")

    assert f'<span class="rp-entry-title">{entry.title}</span>' in chinese
    assert f'<span class="rp-entry-title">{entry.title_en}</span>' in english


def test_each_enterprise_sees_its_own_library(as_zhang, w1_area, as_chen, globex):
    acme = _page(as_zhang, w1_area)
    with tenant_context(globex):
        from safeloop.tenants.facilities.models import Area

        globex_area = Area.objects.filter(kind="area").order_by("code").first()
        globex_codes = set(LibraryEntry.objects.values_list("code", flat=True))
    acme_codes = set(LibraryEntry.objects.values_list("code", flat=True))
    assert globex_codes != acme_codes

    html = _page(as_chen, globex_area)

    shown = {code for code in globex_codes | acme_codes if f'library-entry-{code}"' in html}
    assert shown == globex_codes
    assert {c for c in acme_codes if f'library-entry-{c}"' in acme} == acme_codes


def test_a_refused_report_keeps_its_pick_but_the_next_scan_has_none(as_zhang, w1_area):
    entry = LibraryEntry.objects.get(code="MECH-002")

    refused = as_zhang.post(_url(w1_area), {"library_entry": entry.pk, "shift": "sometime"})
    html = refused.content.decode()
    clean = _page(as_zhang, w1_area)

    assert refused.status_code == 200 and 'data-testid="report-errors"' in html
    assert f'value="{entry.pk}" checked' in html
    library = clean.split('id="library-list"')[1].split("</fieldset>")[0]
    assert "checked" not in library
