"""The risk register export (风险分级管控清单 XLSX), its filters and colour
counts, and who may print cards and registers.

Fixtures (conftest): on Acme's press line W1-RT a red press, a blue guard rail
walk and an unassessed oil store. Zhang San, an operator, may read and print;
Zhao Min, a verifier, may not; Globex's admin Chen sees nothing of Acme's.
"""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from safeloop.tenants.risks import services
from safeloop.tenants.risks.filters import filter_points, parse_filters
from safeloop.tenants.risks.models import RiskPoint
from safeloop.tenants.risks.reports import colour_counts_by_area
from tests.support.documents import pdf_text

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
    # written as 机械伤害 today: a new record, so GB 6441-2025 names, citing the edition
    assert press["可能导致的事故类型"].value == "机械致害（GB 6441-2025）"
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
        [text] = pdf_text(card.content, tmp_path)
        assert theirs.code in text and "RP-PRESS-R1" not in text
    assert "RP-PRESS-R1" not in _rows(_sheet(export))
