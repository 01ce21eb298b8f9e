"""Risk notification cards (岗位风险告知卡), checked as a worker meets them.

On Acme's trial press line (W1-RT) the press R1 is a red risk with an
interlock, gloves and an emergency stop drill; the guard rail walk is a blue
activity; the oil store is not assessed (fixtures in conftest). The PDF is
rasterised with pdftoppm and its QR read with zbarimg; its text comes out
through pdftotext.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from safeloop.tenants.inspections.models import Point
from safeloop.tenants.risks import services
from safeloop.tenants.risks.card import risk_card_pdf
from safeloop.tenants.risks.models import RiskPoint
from safeloop.tenants.risks.reports import register_queryset
from tests.support.documents import hub_url, pdf_text, rasterise, read_qr

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_host(settings):
    # The code encodes <scheme>://acme.<base domain>/q/<token>/; no port here.
    settings.SAFELOOP_PUBLIC_PORT = ""


def _hub_url(token: str) -> str:
    return hub_url("acme", token)


def _pdf_text(pdf: bytes, folder: Path) -> list[str]:
    return pdf_text(pdf, folder)


def _scan(pdf: bytes, folder: Path) -> list[list[str]]:
    """The QR codes zbarimg reads on each page rasterised at 150 dpi."""
    return [read_qr(page) for page in rasterise(pdf, folder)]


# --- The card -----------------------------------------------------------------


def test_card_qr_decodes_to_the_point_hub_of_the_machine(as_zhang, red_press, press, tmp_path):
    response = as_zhang.get(f"/r/{red_press.pk}/card.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert _scan(response.content, tmp_path) == [[_hub_url(press.qr_token)]]


def test_printing_a_card_changes_nothing(as_zhang, red_press, press, tmp_path):
    # A card is a GET: printing the card of a machine nobody has inspected yet
    # must not make its inspection point as a side effect.
    Point.objects.filter(equipment=press).delete()

    response = as_zhang.get(f"/r/{red_press.pk}/card.pdf")
    page = as_zhang.get(f"/r/{red_press.pk}/")

    assert response.status_code == 200 and page.status_code == 200
    assert _scan(response.content, tmp_path) == [[_hub_url(press.qr_token)]]
    assert not Point.objects.filter(equipment=press).exists()


def test_card_of_an_area_risk_scans_to_the_area(in_acme, blue_walk, press_line, tmp_path):
    pdf = risk_card_pdf(list(register_queryset(RiskPoint.objects.filter(pk=blue_walk.pk))))

    assert _scan(pdf, tmp_path) == [[_hub_url(press_line.qr_token)]]


def test_card_shows_the_point_its_colour_accidents_and_measures(as_zhang, red_press, tmp_path):
    response = as_zhang.get(f"/r/{red_press.pk}/card.pdf")

    [text] = _pdf_text(response.content, tmp_path)
    for expected in (
        "岗位风险告知卡",
        "冲压机R1",
        "Press R1",
        "RP-PRESS-R1",
        "重大风险",
        "D = 540",
        "滑块下行时手进入模区",
        # written as 机械伤害 (1986) today, so stored and printed in GB 6441-2025
        "可能导致（GB 6441-2025）：机械致害",
        "光电保护装置与双手按钮联锁",
        "操作时佩戴防护手套",
        "立即按下急停按钮并报告班长",
        "Li Na",
        "119",
    ):
        assert expected in text, expected
    # the emergency action is under the emergency heading, after the controls
    assert text.index("立即按下急停按钮") > text.index("应急处置措施")
    assert text.index("操作时佩戴防护手套") < text.index("应急处置措施")
    assert "Site emergency" not in text  # no site number set yet


def test_card_prints_the_sites_emergency_phone(as_wang, wang, red_press, tmp_path):
    response = as_wang.post(
        "/r/settings/", {"method": "lec", "emergency_phone": "0512-6688 1234 转 8001"}
    )
    assert response.status_code == 302

    [text] = _pdf_text(as_wang.get(f"/r/{red_press.pk}/card.pdf").content, tmp_path)

    assert "厂内应急值班 Site emergency: 0512-6688 1234 转 8001" in text


def test_unassessed_card_says_so(in_acme, oil_store, tmp_path):
    [text] = _pdf_text(
        risk_card_pdf(list(register_queryset(RiskPoint.objects.filter(pk=oil_store.pk)))), tmp_path
    )

    assert "未评估" in text and "油品库" in text


def test_a_long_register_still_fits_one_page(in_acme, red_press, wang, tmp_path):
    for n in range(40):
        services.add_control_measure(
            red_press,
            by=wang,
            kind="management",
            level="team",
            description=f"第{n}条管理制度：交接班时检查模具紧固、润滑和安全装置并记录在点检表上",
            description_en=f"Rule {n}: check die fixing, lubrication and guards at every handover",
        )
    pdf = risk_card_pdf(list(register_queryset(RiskPoint.objects.filter(pk=red_press.pk))))

    [text] = _pdf_text(pdf, tmp_path)
    assert "第0条管理制度" in text
    assert "其余内容见风险点页面" in text


def test_cards_pdf_prints_the_ids_in_order(as_zhang, red_press, blue_walk, tmp_path):
    response = as_zhang.get(f"/r/cards.pdf?ids={blue_walk.pk},{red_press.pk}")

    assert response.status_code == 200
    pages = _pdf_text(response.content, tmp_path)
    assert len(pages) == 2
    assert "RP-RAIL-WALK" in pages[0] and "低风险" in pages[0]
    assert "RP-PRESS-R1" in pages[1] and "重大风险" in pages[1]


def test_cards_pdf_of_the_red_risks_of_the_press_line(as_zhang, red_press, blue_walk, tmp_path):
    response = as_zhang.get("/r/cards.pdf?band=red&area=W1-RT")

    pages = _pdf_text(response.content, tmp_path)
    assert len(pages) == 1
    assert "RP-PRESS-R1" in pages[0]


@pytest.mark.parametrize("query", ["ids=1,two", "ids=", "band=purple", "level=boss", "area=NOPE"])
def test_cards_pdf_refuses_bad_input(as_zhang, red_press, query):
    assert as_zhang.get(f"/r/cards.pdf?{query}").status_code == 400


def test_card_of_a_missing_point_is_404(as_zhang, red_press):
    assert as_zhang.get(f"/r/{red_press.pk + 10_000}/card.pdf").status_code == 404
    assert as_zhang.get(f"/r/cards.pdf?ids={red_press.pk + 10_000}").status_code == 404
    assert as_zhang.get("/r/cards.pdf?band=orange&area=W1-RT").status_code == 404
