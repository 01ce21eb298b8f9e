"""The hazard library's pictures (图库): seed 004's "1 pick" is a tap on a picture.

Every industry template gives at least 28 of its most reported entries a drawing of
our own; a drawing is a small, self-contained SVG. Acme was provisioned from the
metal template and Globex from the food one. Zhang San (operator, W1) scans an area
of W1 and picks "grinder wheel guard missing" by its picture; the hazard page then
shows that picture beside the title.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest
from django_tenants.utils import tenant_context

from safeloop.platform.industry import TemplateError, get_template, list_templates
from safeloop.tenants.hazards import services, template_section
from safeloop.tenants.hazards.models import PICTURE_DIR, LibraryEntry
from safeloop.tenants.hazards.template_section import apply_hazards, library_pictures

PICTURES_PER_TEMPLATE = 28  # seed 004: "预置28个高频隐患图库"
MAX_BYTES = 4096
SVG = "{http://www.w3.org/2000/svg}"
INDUSTRIES = ["metal", "food", "chemical", "mining"]


def _codes(key: str) -> list[str]:
    return [row["code"] for row in get_template(key).sections["hazards"]["library"]]


# --- the mapping and the drawings (no database) ------------------------------------


def test_the_four_industries_are_all_the_templates():
    assert sorted(t.key for t in list_templates()) == sorted(INDUSTRIES)


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_each_template_pictures_at_least_28_of_its_entries(industry):
    pictures = library_pictures(industry, _codes(industry))

    assert len(pictures) >= PICTURES_PER_TEMPLATE
    assert set(pictures) <= set(_codes(industry))
    for name in pictures.values():
        assert (PICTURE_DIR / f"{name}.svg").is_file(), name


def test_one_drawing_serves_the_same_finding_in_every_industry():
    extinguisher = {key: library_pictures(key, _codes(key)).get("FIRE-003") for key in INDUSTRIES}
    boxes = {key: library_pictures(key, _codes(key)).get("ELEC-001") for key in INDUSTRIES}

    assert {extinguisher[k] for k in ("metal", "food", "chemical")} == {"extinguisher"}
    assert {boxes[k] for k in ("metal", "food", "mining")} == {"electric-box"}


def _drawings():
    return sorted(PICTURE_DIR.glob("*.svg"))


@pytest.mark.parametrize("path", _drawings(), ids=lambda p: p.stem)
def test_every_drawing_is_a_small_self_contained_svg(path):
    raw = path.read_bytes()
    assert len(raw) < MAX_BYTES
    root = ET.fromstring(raw)  # well-formed XML, or this raises

    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 160 120"
    for element in root.iter():
        tag = element.tag.split("}")[-1].lower()
        assert tag not in {"script", "foreignobject", "image", "use", "a", "style"}, tag
        for name, value in element.attrib.items():
            local = name.split("}")[-1].lower()
            assert local != "href" and not local.startswith("on"), (tag, name)
            assert "url(" not in value and "://" not in value, value
    assert b"<!DOCTYPE" not in raw and b"<!ENTITY" not in raw


def test_every_drawing_is_used_by_some_template():
    used = {name for key in INDUSTRIES for name in library_pictures(key, _codes(key)).values()}

    assert {path.stem for path in _drawings()} == used


# --- applying a template ----------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("slug, industry", [("acme", "metal"), ("globex", "food")])
def test_a_provisioned_enterprise_has_the_pictures_of_its_template(slug, industry):
    from safeloop.platform.models import Enterprise

    with tenant_context(Enterprise.objects.get(slug=slug)):
        stored = dict(LibraryEntry.objects.exclude(picture="").values_list("code", "picture"))
        grinder = LibraryEntry.objects.get(code="MECH-003")

    assert stored == library_pictures(industry, _codes(industry))
    if industry == "metal":
        assert grinder.picture_url == "/static/safeloop/hazards/pictures/grinder-guard.svg"


@pytest.mark.django_db
def test_an_entry_without_a_picture_has_no_url(in_acme):
    entry = LibraryEntry.objects.get(code="MECH-001")  # the press's two-hand control

    assert entry.picture == "" and entry.picture_url is None


def _library(*codes: str) -> dict:
    return {
        "categories": [{"code": "x-mech", "name": "机械"}],
        "library": [{"code": code, "title": code, "category": "x-mech"} for code in codes],
    }


@pytest.mark.django_db
def test_a_picture_for_a_code_the_library_lacks_is_refused(in_acme):
    codes = _codes("metal")
    codes.remove("MECH-003")

    with pytest.raises(TemplateError, match="MECH-003"):
        apply_hazards(SimpleNamespace(industry="metal"), _library(*codes))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["no-such-drawing", "../hazards/report", "Grinder-Guard"])
def test_a_picture_that_is_not_a_drawing_of_ours_is_refused(in_acme, monkeypatch, name):
    monkeypatch.setattr(template_section, "_picture_table", lambda: {"x": {"X-1": name}})

    with pytest.raises(TemplateError, match="X-1|drawing"):
        apply_hazards(SimpleNamespace(industry="x"), _library("X-1"))
    assert not LibraryEntry.objects.filter(code="X-1").exists()


def test_a_template_without_pictures_has_none(monkeypatch):
    monkeypatch.setattr(template_section, "_picture_table", lambda: {"metal": {}})

    assert library_pictures("metal", _codes("metal")) == {}
    assert library_pictures("quarry", ["Q-1"]) == {}


# --- the pages ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_picker_shows_the_picture_next_to_the_title(as_zhang, w1_area):
    html = as_zhang.get(f"/q/{w1_area.qr_token}/").content.decode()

    grinder = html.split('data-testid="library-entry-MECH-003"')[1].split("</label>")[0]
    press = html.split('data-testid="library-entry-MECH-001"')[1].split("</label>")[0]
    assert 'src="/static/safeloop/hazards/pictures/grinder-guard.svg"' in grinder
    assert 'data-testid="library-picture-MECH-003"' in grinder
    assert grinder.index("<img") < grinder.index("rp-entry-title")
    assert "<img" not in press  # no picture: the title alone, no empty tile


@pytest.mark.django_db
def test_a_changed_picture_shows_on_the_next_scan(as_zhang, w1_area):
    as_zhang.get(f"/q/{w1_area.qr_token}/")  # the library is cached now

    LibraryEntry.objects.filter(code="MECH-001").update(picture="guard-missing")

    html = as_zhang.get(f"/q/{w1_area.qr_token}/").content.decode()
    assert 'data-testid="library-picture-MECH-001"' in html


@pytest.mark.django_db
def test_the_hazard_page_shows_the_picked_pictures_small(as_zhang, zhang, w1_area):
    picked = services.report_hazard(
        by=zhang, area=w1_area, library_entry=LibraryEntry.objects.get(code="MECH-003")
    )
    described = services.report_hazard(by=zhang, area=w1_area, description="地上有一摊油")

    with_picture = as_zhang.get(f"/h/{picked.pk}/").content.decode()
    without = as_zhang.get(f"/h/{described.pk}/").content.decode()

    assert 'data-testid="hazard-picture"' in with_picture
    assert "pictures/grinder-guard.svg" in with_picture
    assert 'data-testid="hazard-picture"' not in without
    assert 'data-testid="page-title"' in without


@pytest.mark.django_db
def test_an_enterprise_from_before_the_pictures_gets_them_and_keeps_its_own(in_acme):
    from django.core.management import call_command

    LibraryEntry.objects.update(picture="")  # as provisioned before pictures existed
    LibraryEntry.objects.filter(code="MECH-004").update(picture="belt-guard")  # Acme's pick
    LibraryEntry.objects.filter(code="HSK-001").delete()  # Acme no longer uses this one

    call_command("fill_library_pictures", "acme", stdout=io.StringIO())
    again = io.StringIO()
    call_command("fill_library_pictures", "acme", stdout=again)

    assert LibraryEntry.objects.get(code="MECH-003").picture == "grinder-guard"
    assert LibraryEntry.objects.get(code="MECH-004").picture == "belt-guard"
    assert LibraryEntry.objects.exclude(picture="").count() >= PICTURES_PER_TEMPLATE
    assert "acme: 0 library entries" in again.getvalue()


@pytest.mark.django_db
def test_filling_pictures_for_an_unknown_enterprise_is_refused():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="nowhere"):
        call_command("fill_library_pictures", "nowhere")
