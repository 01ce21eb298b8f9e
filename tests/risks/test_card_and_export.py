"""Risk notification cards and the register export.

On Acme's trial press line (W1-RT, in Li Na's stamping workshop W1) the press
R1 is a red risk (LEC 6 × 6 × 15 = 540) with an interlock, gloves and an
emergency stop drill; the guard rail walk is a blue activity (1 × 6 × 7 = 42)
whose handrail check is owned at post level; the oil store is not assessed.
Zhang San, an operator, may read the register and print it; Zhao Min, a
verifier, may not; Globex's admin Chen sees nothing of Acme's.

The card is checked as a worker meets it: the PDF is rasterised with pdftoppm
and the QR code read with zbarimg; its text comes out through pdftotext.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from safeloop.tenants.risks import services
from safeloop.tenants.risks.card import risk_card_pdf
from safeloop.tenants.risks.filters import filter_points, parse_filters
from safeloop.tenants.risks.models import RiskPoint
from safeloop.tenants.risks.reports import colour_counts_by_area, register_queryset

pytestmark = pytest.mark.django_db

LEC_HEADERS_ZH = [
    "序号",
    "风险点编号",
    "风险点名称",
    "类型",
    "所属区域",
    "危险源",
    "可能导致的事故类型",
    "评价方法",
    "L",
    "E",
    "C",
    "D",
    "风险等级",
    "工程技术措施",
    "管理措施",
    "培训教育措施",
    "个体防护措施",
    "应急处置措施",
    "管控层级",
    "责任人",
]
LEC_HEADERS_EN = [
    "No.",
    "Risk point code",
    "Risk point",
    "Kind",
    "Area",
    "Hazard sources",
    "Possible accidents",
    "Method",
    "L",
    "E",
    "C",
    "D",
    "Risk level",
    "Engineering measures",
    "Management measures",
    "Training measures",
    "PPE measures",
    "Emergency measures",
    "Control level",
    "Responsible person",
]
RED_FILL, BLUE_FILL = "FFE02020", "FF1F6FD6"


@pytest.fixture(autouse=True)
def _plain_host(settings):
    # The code encodes <scheme>://acme.<base domain>/q/<token>/; no port here.
    settings.SAFELOOP_PUBLIC_PORT = ""


@pytest.fixture
def red_press(press_risk, wang, li):
    """The red press with its measures of three kinds; Li Na is responsible."""
    services.update_risk_point(press_risk, by=wang, responsible=li.person)
    services.add_control_measure(
        press_risk,
        by=wang,
        kind="ppe",
        level="post",
        description="操作时佩戴防护手套",
        description_en="Wear protective gloves",
    )
    services.add_control_measure(
        press_risk,
        by=wang,
        kind="emergency",
        level="team",
        description="立即按下急停按钮并报告班长",
        description_en="Hit the emergency stop and tell the team leader",
    )
    return RiskPoint.objects.get(pk=press_risk.pk)


@pytest.fixture
def blue_walk(press_line, wang):
    point = services.create_risk_point(
        by=wang,
        code="RP-RAIL-WALK",
        name="护栏巡视",
        name_en="Guard rail walk",
        kind="activity",
        area=press_line,
    )
    services.set_hazard_sources(
        point, by=wang, sources=[{"description": "护栏松动", "accident_types": ["高处坠落"]}]
    )
    services.assess_risk(point, by=wang, inherent={"l": 1, "e": 6, "c": 7})
    services.add_control_measure(
        point, by=wang, kind="management", level="post", description="每班检查护栏"
    )
    return RiskPoint.objects.get(pk=point.pk)


@pytest.fixture
def oil_store(press_line, wang):
    return services.create_risk_point(
        by=wang, code="RP-OIL-STORE", name="油品库", kind="area", area=press_line
    )


def _hub_url(token: str) -> str:
    base = django_settings.SAFELOOP_BASE_DOMAIN
    return f"{django_settings.SAFELOOP_SCHEME}://acme.{base}/q/{token}/"


def _pdf_text(pdf: bytes, folder: Path) -> list[str]:
    """The text of each page."""
    source = folder / "cards.pdf"
    source.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(source), "-"], capture_output=True, check=True
    )
    return result.stdout.decode("utf-8").split("\f")[:-1]


def _scan(pdf: bytes, folder: Path) -> list[list[str]]:
    """The QR codes zbarimg reads on each page rasterised at 150 dpi."""
    source = folder / "scan.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(source), str(folder / "page")], check=True)
    found = []
    for page in sorted(folder.glob("page*.png")):
        result = subprocess.run(
            ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(page)],
            capture_output=True,
            text=True,
            check=False,
        )
        found.append(result.stdout.split())
    return found


def _sheet(response, index: int = 0):
    workbook = load_workbook(io.BytesIO(response.content))
    return workbook.worksheets[index]


def _rows(sheet) -> dict[str, dict[str, object]]:
    """Data rows by risk point code, each as {header: cell}."""
    headers = [c.value for c in sheet[2]]
    return {
        row[1].value: dict(zip(headers, row, strict=True))
        for row in sheet.iter_rows(min_row=3)
        if row[1].value
    }


# --- The card -----------------------------------------------------------------


def test_card_qr_decodes_to_the_point_hub_of_the_machine(as_zhang, red_press, press, tmp_path):
    response = as_zhang.get(f"/r/{red_press.pk}/card.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert _scan(response.content, tmp_path) == [[_hub_url(press.qr_token)]]


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
        "机械伤害",
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


# --- The register export ----------------------------------------------------------


def test_register_xlsx_in_chinese(as_zhang, red_press, blue_walk, oil_store, press_line):
    response = as_zhang.get("/r/export.xlsx?area=W1-RT")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = _sheet(response)
    assert "风险分级管控清单" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == LEC_HEADERS_ZH
    assert sheet.freeze_panes == "D3"
    rows = _rows(sheet)
    assert set(rows) == {"RP-PRESS-R1", "RP-RAIL-WALK", "RP-OIL-STORE"}  # one row a point
    press = rows["RP-PRESS-R1"]
    assert press["风险点名称"].value == "冲压机R1"
    assert press["类型"].value == "设备设施"
    assert press["所属区域"].value.endswith("试验冲压线")
    assert press["危险源"].value == "滑块下行时手进入模区"
    assert press["可能导致的事故类型"].value == "机械伤害"
    assert press["评价方法"].value == "LEC法"
    assert [press[k].value for k in "LECD"] == [6, 6, 15, 540]
    assert press["风险等级"].value == "重大风险"
    assert press["风险等级"].fill.fgColor.rgb == RED_FILL
    assert press["工程技术措施"].value == "光电保护装置与双手按钮联锁（车间级）"
    assert press["个体防护措施"].value == "操作时佩戴防护手套（岗位级）"
    assert press["应急处置措施"].value == "立即按下急停按钮并报告班长（班组级）"
    assert press["管控层级"].value == "公司级"
    assert press["责任人"].value == "Li Na"
    assert press["危险源"].alignment.wrap_text
    walk = rows["RP-RAIL-WALK"]
    assert walk["D"].value == 42
    assert walk["风险等级"].value == "低风险"
    assert walk["风险等级"].fill.fgColor.rgb == BLUE_FILL
    assert rows["RP-OIL-STORE"]["风险等级"].value == "未评估"
    assert rows["RP-OIL-STORE"]["D"].value is None


def test_register_xlsx_in_english(as_zhang, red_press):
    response = as_zhang.get("/r/export.xlsx?area=W1-RT", HTTP_ACCEPT_LANGUAGE="en")

    sheet = _sheet(response)
    assert [c.value for c in sheet[2]] == LEC_HEADERS_EN
    press = _rows(sheet)["RP-PRESS-R1"]
    assert press["Risk point"].value == "Press R1"
    assert press["Engineering measures"].value == (
        "Light curtain interlocked with two-hand controls (Workshop)"
    )
    assert press["Risk level"].fill.fgColor.rgb == RED_FILL


def test_register_xlsx_of_the_whole_enterprise_has_every_active_point(as_zhang, red_press, acme):
    response = as_zhang.get("/r/export.xlsx")

    with tenant_context(acme):
        codes = set(RiskPoint.objects.filter(is_active=True).values_list("code", flat=True))
    assert set(_rows(_sheet(response))) == codes


def test_matrix_assessed_points_get_likelihood_and_severity(as_zhang, blue_walk, wang, acme):
    with tenant_context(acme):
        services.assess_risk(
            blue_walk, by=wang, method="matrix", inherent={"likelihood": 4, "severity": 5}
        )

    sheet = _sheet(as_zhang.get("/r/export.xlsx?area=W1-RT"))

    headers = [c.value for c in sheet[2]]
    assert headers[8:12] == ["可能性 L", "严重性 S", "R", "风险等级"]
    walk = _rows(sheet)["RP-RAIL-WALK"]
    assert [walk["可能性 L"].value, walk["严重性 S"].value, walk["R"].value] == [4, 5, 20]
    assert walk["风险等级"].fill.fgColor.rgb == RED_FILL


def test_counts_sheet_counts_colours_per_area(as_zhang, red_press, blue_walk, oil_store):
    sheet = _sheet(as_zhang.get("/r/export.xlsx?area=W1"), index=1)

    rows = {row[0].value: [c.value for c in row] for row in sheet.iter_rows(min_row=3)}
    # area code, name, red, orange, yellow, blue, unassessed, total
    assert rows["W1-RT"][2:] == [1, 0, 0, 1, 1, 3]
    assert rows["W1"][7] == rows[None][7]  # the filter was W1: its row is the total
    assert rows["W1"][2] >= 1 and rows["W1"][5] >= 1


def test_export_refuses_bad_filters(as_zhang, red_press):
    response = as_zhang.get("/r/export.xlsx?band=purple")

    assert response.status_code == 400
    assert "purple" in response.content.decode()


def test_export_of_red_risks_holds_only_red(as_zhang, red_press, blue_walk):
    rows = _rows(_sheet(as_zhang.get("/r/export.xlsx?band=red")))

    assert "RP-PRESS-R1" in rows and "RP-RAIL-WALK" not in rows
    assert {row["风险等级"].value for row in rows.values()} == {"重大风险"}


# --- Filters and counts -------------------------------------------------------------


def _codes(params) -> set[str]:
    qs = filter_points(RiskPoint.objects.filter(area__code="W1-RT"), params)
    return set(qs.values_list("code", flat=True))


def test_filters(red_press, blue_walk, oil_store, li):
    assert _codes({}) == {"RP-PRESS-R1", "RP-RAIL-WALK", "RP-OIL-STORE"}
    assert _codes({"band": "red"}) == {"RP-PRESS-R1"}
    assert _codes({"band": "red,blue"}) == {"RP-PRESS-R1", "RP-RAIL-WALK"}
    assert _codes({"band": "unassessed"}) == {"RP-OIL-STORE"}
    assert _codes({"kind": "activity"}) == {"RP-RAIL-WALK"}
    assert _codes({"kind": ["area", "equipment"]}) == {"RP-PRESS-R1", "RP-OIL-STORE"}
    # company controls the red press; the post level the blue walk (by colour) and
    # the press's gloves (a measure owned at post level)
    assert _codes({"level": "company"}) == {"RP-PRESS-R1"}
    assert _codes({"level": "post"}) == {"RP-PRESS-R1", "RP-RAIL-WALK"}
    assert _codes({"level": "team"}) == {"RP-PRESS-R1"}  # its emergency drill
    assert _codes({"q": "rail"}) == {"RP-RAIL-WALK"}
    assert _codes({"q": "冲压机"}) == {"RP-PRESS-R1"}


def test_area_filter_takes_the_subtree(red_press, w1, press_line):
    in_w1 = filter_points(RiskPoint.objects.all(), {"area": str(w1.pk)})
    in_line = filter_points(RiskPoint.objects.all(), {"area": "W1-RT"})

    assert red_press in in_w1 and red_press in in_line
    assert set(in_line) <= set(in_w1)
    assert all(p.area_id == press_line.pk for p in in_line)


def test_wrong_filter_values_are_reported_and_ignored(red_press, blue_walk):
    filters = parse_filters({"band": "red,purple", "level": "boss", "area": "NOPE"})

    assert set(filters.errors) == {"band", "level", "area"}
    assert "purple" in filters.errors["band"]
    assert filters.bands == ["red"] and filters.levels == [] and filters.area is None


def test_colour_counts_roll_up_the_area_tree(red_press, blue_walk, oil_store, w1):
    with CaptureQueriesContext(connection) as queries:
        rows = {row.area.code: row for row in colour_counts_by_area()}

    # one aggregate, the tree, the areas (django-tenants adds its SET search_path)
    assert len([q for q in queries if q["sql"].startswith("SELECT")]) == 3

    line = rows["W1-RT"]
    assert (line.red, line.orange, line.yellow, line.blue, line.unassessed, line.total) == (
        1,
        0,
        0,
        1,
        1,
        3,
    )
    in_w1 = filter_points(RiskPoint.objects.filter(is_active=True), {"area": "W1"})
    assert rows["W1"].total == in_w1.count()
    assert rows["W1"].red == in_w1.filter(band="red").count()


# --- Who may print ---------------------------------------------------------------


@pytest.mark.parametrize("url", ["/r/export.xlsx", "/r/cards.pdf", "/r/{pk}/card.pdf"])
def test_verifier_may_not_download(as_zhao, red_press, url):
    response = as_zhao.get(url.format(pk=red_press.pk))

    assert response.status_code == 403


def test_signed_out_visitor_is_sent_to_sign_in(acme_client, red_press):
    response = acme_client.get(f"/r/{red_press.pk}/card.pdf")

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_globex_cannot_print_acme_cards(as_chen, red_press, globex, tmp_path):
    with tenant_context(globex):
        theirs = RiskPoint.objects.filter(pk=red_press.pk).first()

    card = as_chen.get(f"/r/{red_press.pk}/card.pdf")
    cards = as_chen.get(f"/r/cards.pdf?ids={red_press.pk}")
    export = as_chen.get("/r/export.xlsx")

    if theirs is None:
        assert (card.status_code, cards.status_code) == (404, 404)
    else:  # Globex's own point of that number, never Acme's
        [text] = _pdf_text(card.content, tmp_path)
        assert theirs.code in text and "RP-PRESS-R1" not in text
    assert "RP-PRESS-R1" not in _rows(_sheet(export))
