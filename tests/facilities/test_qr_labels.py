"""QR labels: Wang prints label sheets and large signs, and every code scans back to its point.

Wang Wei is Acme's admin and may print every label; Sun Hao, the safety officer,
manages equipment but not areas, so he prints machine labels only; Zhang San is
an operator and prints nothing. Globex's labels mean nothing at Acme.

The check is a real one: the PDF is rasterised with pdftoppm and every QR code
on every page is read back with zbarimg (see ``scan_pdf``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django_tenants.utils import tenant_context
from PIL import Image
from reportlab.lib.pagesizes import A4

from safeloop.tenants.facilities.labels import (
    FALLBACK_FONT,
    label_boxes,
    label_sheet_pdf,
    register_font,
    sign_pdf,
)
from safeloop.tenants.facilities.models import Area, EquipmentType
from safeloop.tenants.facilities.qr import as_point
from safeloop.tenants.facilities.services import create_area, create_equipment
from tests.support.documents import hub_url, rasterise, read_qr

pytestmark = pytest.mark.django_db

LABELS_PDF = "/w/qr/labels.pdf"


@pytest.fixture(autouse=True)
def _plain_host(settings):
    # The codes encode <scheme>://<slug>.<base domain>[:port]/q/<token>/; no port here.
    settings.SAFELOOP_PUBLIC_PORT = ""


@pytest.fixture
def points(in_acme, wang):
    """Five areas (four new ones under W1, with Chinese names) and seven presses."""
    workshop = Area.objects.get(code="W1")
    areas = [
        create_area(
            by=wang,
            code=f"QA-{n}",
            name=f"冲压{n}区",
            name_en=f"Stamping zone {n}",
            kind="area",
            parent=workshop,
        )
        for n in range(1, 5)
    ]
    press = EquipmentType.objects.get(code="PRESS")
    machines = [
        create_equipment(
            by=wang, code=f"QE-{n}", name=f"{n}号液压机", equipment_type=press, area=areas[0]
        )
        for n in range(1, 8)
    ]
    return [workshop, *areas], machines


@dataclass
class Scan:
    """What zbarimg read from a PDF rasterised at 150 dpi."""

    pages: int
    labels: list[str]  # one label cut out at a time, in label order
    whole_pages: list[str]  # each page at once


def scan_pdf(pdf: bytes, folder: Path, layout: str | None = None) -> Scan:
    """Rasterise every page and read every QR code on it.

    zbar reads a lone code reliably but may miss one of many codes on a full
    sheet (mchehab/zbar#182), so a sheet is also read label by label, cut out
    along its cut lines — the way a phone meets it on the wall.
    """
    pages = rasterise(pdf, folder, name="labels")
    scan = Scan(pages=len(pages), labels=[], whole_pages=[])
    scale = 150 / 72
    for page in pages:
        scan.whole_pages += read_qr(page)
        if layout is None:
            continue
        image = Image.open(page)
        for index, (x, y, w, h) in enumerate(label_boxes(layout)):
            top = A4[1] - y - h
            box = (x * scale, top * scale, (x + w) * scale, (top + h) * scale)
            cut = folder / f"{page.stem}-label-{index}.png"
            image.crop(tuple(round(v) for v in box)).save(cut)
            found = read_qr(cut)
            assert len(found) <= 1, f"{cut.name} holds {len(found)} codes"
            scan.labels += found
    return scan


def _print(client, areas=(), machines=(), layout="3x8", **extra):
    data = {
        "layout": layout,
        "scope": "selected",
        "areas": [a.pk for a in areas],
        "equipment": [e.pk for e in machines],
        **extra,
    }
    return client.post(LABELS_PDF, data)


@pytest.mark.parametrize(("layout", "pages"), [("3x8", 1), ("2x5", 2)])
def test_every_label_scans_to_its_point_page(as_wang, points, tmp_path, layout, pages):
    # given: five areas and seven machines, most with Chinese names
    areas, machines = points
    by_url = {hub_url("acme", p.qr_token): p for p in [*areas, *machines]}

    # when: Wang downloads their labels and the sheets are scanned
    response = _print(as_wang, areas, machines, layout=layout)
    scan = scan_pdf(response.content, tmp_path, layout)

    # then: each label carries its own point's code (areas, then machines, by code)...
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="qr-labels.pdf"' in response["Content-Disposition"]
    assert scan.pages == pages
    in_order = sorted(areas, key=lambda a: a.code) + sorted(machines, key=lambda m: m.code)
    assert scan.labels == [hub_url("acme", p.qr_token) for p in in_order]
    assert scan.whole_pages and set(scan.whole_pages) <= set(by_url)
    # ...and each code opens that point's page
    for url in scan.labels:
        point = by_url[url]
        page = as_wang.get(urlsplit(url).path)
        html = page.content.decode()
        assert page.status_code == 200, url
        assert 'data-testid="point-name"' in html
        assert point.code in html and point.name in html


def test_printing_all_matching_points_follows_the_filters(as_wang, points, tmp_path):
    areas, machines = points
    zone_1 = areas[1]

    response = as_wang.post(
        LABELS_PDF,
        {"layout": "2x5", "scope": "all", "filter_area": zone_1.pk, "filter_kind": ""},
    )
    scan = scan_pdf(response.content, tmp_path, "2x5")

    # Zone 1 itself and the seven presses standing in it.
    expected = [hub_url("acme", p.qr_token) for p in [zone_1, *machines]]
    assert response.status_code == 200 and scan.labels == expected


def test_the_large_sign_of_a_machine_and_of_an_area_scans_to_the_point(as_wang, points, tmp_path):
    areas, machines = points

    for point in (machines[2], areas[3]):
        kind = "equipment" if point in machines else "area"
        response = as_wang.get(f"/w/qr/{kind}/{point.pk}/sign.pdf")
        folder = tmp_path / point.code
        folder.mkdir()
        scan = scan_pdf(response.content, folder)

        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert scan.pages == 1 and scan.whole_pages == [hub_url("acme", point.qr_token)]


def test_labels_still_scan_with_the_built_in_cjk_font(in_acme, points, tmp_path):
    areas, machines = points
    chosen = [as_point(areas[1]), as_point(machines[0])]

    assert register_font("/nonexistent/font.ttc") == FALLBACK_FONT
    pdf = label_sheet_pdf(chosen, "3x8", font_path="/nonexistent/font.ttc")
    sign = sign_pdf(chosen[1], font_path="/nonexistent/font.ttc")
    labels = scan_pdf(pdf, tmp_path, "3x8")
    (tmp_path / "sign").mkdir()
    sign_scan = scan_pdf(sign, tmp_path / "sign")

    assert labels.labels == [p.url for p in chosen]
    assert sign_scan.whole_pages == [chosen[1].url]


def test_a_globex_label_opens_the_not_found_page_at_acme(as_wang, globex, tmp_path):
    with tenant_context(globex):
        globex_area = Area.objects.order_by("code").first()
        pdf = label_sheet_pdf([as_point(globex_area)], "2x5")
    scan = scan_pdf(pdf, tmp_path, "2x5")

    assert scan.labels == [hub_url("globex", globex_area.qr_token)]
    page = as_wang.get(urlsplit(scan.labels[0]).path)
    assert page.status_code == 404
    assert 'data-testid="qr-invalid"' in page.content.decode()


def test_the_labels_page_lists_points_with_their_codes_and_filters_by_area(as_wang, points):
    areas, machines = points

    everything = as_wang.get("/w/qr/").content.decode()
    in_zone_2 = as_wang.get(f"/w/qr/?area={areas[2].pk}").content.decode()
    machines_only = as_wang.get("/w/qr/?kind=equipment&q=QE-").content.decode()

    assert 'data-testid="qr-area-W1"' in everything
    assert everything.count('<svg xmlns="http://www.w3.org/2000/svg"') >= 12
    assert 'data-testid="qr-area-QA-2"' in in_zone_2
    assert 'data-testid="qr-area-QA-1"' not in in_zone_2
    assert 'data-testid="qr-equipment-QE-1"' not in in_zone_2
    assert 'data-testid="qr-equipment-QE-7"' in machines_only
    assert 'data-testid="qr-area-' not in machines_only
    assert 'data-testid="nav-qr_labels"' in everything


def test_the_safety_officer_prints_machine_labels_but_not_area_labels(as_sun, points):
    areas, machines = points

    page = as_sun.get("/w/qr/").content.decode()
    machine_labels = _print(as_sun, machines=machines[:2])
    area_labels = _print(as_sun, areas=areas[:1])
    area_sign = as_sun.get(f"/w/qr/area/{areas[1].pk}/sign.pdf")

    assert 'data-testid="qr-equipment-QE-1"' in page and 'data-testid="qr-area-' not in page
    assert machine_labels.status_code == 200
    assert area_labels.status_code == 403 and area_sign.status_code == 403


def test_operator_cannot_open_the_page_print_labels_or_a_sign(as_zhang, points):
    areas, machines = points

    page = as_zhang.get("/w/qr/")
    labels = _print(as_zhang, areas, machines)
    sign = as_zhang.get(f"/w/qr/equipment/{machines[0].pk}/sign.pdf")
    home = as_zhang.get("/w/").content.decode()

    assert page.status_code == 403 and labels.status_code == 403 and sign.status_code == 403
    assert 'data-testid="nav-qr_labels"' not in home


def test_signed_out_visitors_are_sent_to_sign_in(acme_client, points):
    areas, _machines = points

    page = acme_client.get("/w/qr/")
    sign = acme_client.get(f"/w/qr/area/{areas[0].pk}/sign.pdf")

    assert page.status_code == 302 and sign.status_code == 302


def test_nothing_ticked_or_unknown_points_go_back_with_a_message(as_wang, points):
    nothing = _print(as_wang, filter_q="QE-")
    unknown = as_wang.post(LABELS_PDF, {"layout": "3x8", "scope": "selected", "areas": ["999999"]})
    bad_layout = _print(as_wang, points[0][:1], layout="9x9")
    followed = as_wang.get(nothing["Location"]).content.decode()

    assert nothing.status_code == 302 and nothing["Location"] == "/w/qr/?q=QE-"
    assert 'class="message message-error"' in followed
    assert unknown.status_code == 302 and bad_layout.status_code == 302
    assert as_wang.get(LABELS_PDF).status_code == 405


def test_a_sign_for_an_unknown_point_is_not_found(as_wang, points):
    assert as_wang.get("/w/qr/equipment/999999/sign.pdf").status_code == 404
    assert as_wang.get(f"/w/qr/robot/{points[0][0].pk}/sign.pdf").status_code == 404
