"""The risk register (风险分级管控清单) as XLSX, in the layout safety officers use.

Sheet one lists a risk point a row: its hazard sources and the accidents they
can cause, the method and factors of its latest assessment (residual risk),
its colour (the cell filled with it), the control measures of the five kinds
and the level that controls it. Sheet two counts the colours per area.

A Chinese workbook uses the standard's own terms (``Words``), which are fixed
Chinese like the GB 6441 names; any other language goes through gettext.
Accident types are named in the edition each hazard source was written in,
and the cell cites that edition. The notification cards (``risks.card``) print the same terms.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from safeloop.tenants.risks.models import (
    Assessment,
    ControlLevel,
    MeasureKind,
    RiskPoint,
    RiskPointKind,
)
from safeloop.tenants.risks.reports import (
    ColourCounts,
    active_measures,
    area_path,
    colour_counts_by_area,
    colour_totals,
    latest_assessment,
    register_queryset,
)
from safeloop.tenants.risks.scoring import BAND_COLOURS, Band, Method

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula to Excel: user text must not be one.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# --- The standard's Chinese terms -----------------------------------------------

BAND_ZH = {
    Band.RED: "重大风险",
    Band.ORANGE: "较大风险",
    Band.YELLOW: "一般风险",
    Band.BLUE: "低风险",
}
LEVEL_ZH = {
    ControlLevel.COMPANY: "公司级",
    ControlLevel.WORKSHOP: "车间级",
    ControlLevel.TEAM: "班组级",
    ControlLevel.POST: "岗位级",
}
MEASURE_KIND_ZH = {
    MeasureKind.ENGINEERING: "工程技术措施",
    MeasureKind.MANAGEMENT: "管理措施",
    MeasureKind.TRAINING: "培训教育措施",
    MeasureKind.PPE: "个体防护措施",
    MeasureKind.EMERGENCY: "应急处置措施",
}
MEASURE_KIND_EN = {
    MeasureKind.ENGINEERING: gettext_lazy("Engineering measures"),
    MeasureKind.MANAGEMENT: gettext_lazy("Management measures"),
    MeasureKind.TRAINING: gettext_lazy("Training measures"),
    MeasureKind.PPE: gettext_lazy("PPE measures"),
    MeasureKind.EMERGENCY: gettext_lazy("Emergency measures"),
}
POINT_KIND_ZH = {
    RiskPointKind.AREA: "区域",
    RiskPointKind.EQUIPMENT: "设备设施",
    RiskPointKind.ACTIVITY: "作业活动",
}
METHOD_ZH = {Method.LEC: "LEC法", Method.MATRIX: "风险矩阵法"}
METHOD_EN = {Method.LEC: gettext_lazy("LEC"), Method.MATRIX: gettext_lazy("Risk matrix")}
UNASSESSED_ZH = "未评估"


@dataclass(frozen=True)
class Words:
    """The register's terms in Chinese (the standard's) or through gettext."""

    zh: bool

    @classmethod
    def current(cls) -> Words:
        return cls(zh=(get_language() or "").lower().startswith("zh"))

    def pick(self, zh: str, other) -> str:
        return zh if self.zh else str(other)

    def band(self, band: str) -> str:
        if not band:
            return self.pick(UNASSESSED_ZH, _("Not assessed"))
        return self.pick(BAND_ZH.get(band, band), Band(band).label)

    def level(self, level: str) -> str:
        return self.pick(LEVEL_ZH.get(level, level), ControlLevel(level).label) if level else ""

    def measure_kind(self, kind: str) -> str:
        return self.pick(MEASURE_KIND_ZH[kind], MEASURE_KIND_EN[kind])

    def point_kind(self, kind: str) -> str:
        return self.pick(POINT_KIND_ZH.get(kind, kind), RiskPointKind(kind).label)

    def method(self, method: str) -> str:
        return self.pick(METHOD_ZH.get(method, method), METHOD_EN.get(method, method))

    def accidents(self, source) -> str:
        """A hazard source's accident types, in its own edition, citing it."""
        names = source.accident_type_chinese if self.zh else source.accident_type_labels
        sep = "、" if self.zh else ", "
        brackets = "（%s）" if self.zh else " (%s)"
        return sep.join(names) + brackets % source.accident_edition_label

    def text(self, zh: str, en: str) -> str:
        """A bilingual field: the Chinese one in Chinese, else English when there is one."""
        return zh if self.zh or not en else en


def _number(value) -> int | float | None:
    if value in (None, ""):
        return None
    value = Decimal(str(value))
    return int(value) if value == value.to_integral() else float(value)


def _numbered(lines: list[str]) -> str:
    if len(lines) == 1:
        return lines[0]
    return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))


# --- Columns --------------------------------------------------------------------


@dataclass
class Row:
    index: int
    point: RiskPoint
    assessment: Assessment | None
    words: Words


@dataclass(frozen=True)
class Column:
    zh: str
    en: object  # lazy gettext, or a plain symbol such as "L"
    width: float
    value: Callable[[Row], object]

    def header(self, words: Words) -> str:
        return words.pick(self.zh, self.en)


def _factor(method: str, key: str) -> Callable[[Row], object]:
    def value(row: Row):
        a = row.assessment
        return _number(a.residual_factors.get(key)) if a and a.method == method else None

    return value


def _score(method: str) -> Callable[[Row], object]:
    def value(row: Row):
        a = row.assessment
        return _number(a.residual_score) if a and a.method == method else None

    return value


def _sources(row: Row) -> str:
    sources = list(row.point.sources.all())
    return _numbered([row.words.text(s.description, s.description_en) for s in sources])


def _accidents(row: Row) -> str:
    return _numbered([row.words.accidents(s) for s in row.point.sources.all()])


def _measures(kind: str) -> Callable[[Row], str]:
    def value(row: Row) -> str:
        lines = []
        for m in active_measures(row.point):
            if m.kind == kind:
                level = row.words.level(m.level)
                text = row.words.text(m.description, m.description_en)
                lines.append(f"{text}（{level}）" if row.words.zh else f"{text} ({level})")
        return _numbered(lines)

    return value


def _responsible(row: Row) -> str:
    person = row.point.responsible
    return person.full_name if person else ""


LEC_COLUMNS = [
    Column("L", "L", 6, _factor(Method.LEC, "l")),
    Column("E", "E", 6, _factor(Method.LEC, "e")),
    Column("C", "C", 6, _factor(Method.LEC, "c")),
    Column("D", "D", 8, _score(Method.LEC)),
]
MATRIX_COLUMNS = [
    Column("可能性 L", gettext_lazy("Likelihood L"), 8, _factor(Method.MATRIX, "likelihood")),
    Column("严重性 S", gettext_lazy("Severity S"), 8, _factor(Method.MATRIX, "severity")),
    Column("R", "R", 7, _score(Method.MATRIX)),
]
HEAD_COLUMNS = [
    Column("序号", gettext_lazy("No."), 6, lambda r: r.index),
    Column("风险点编号", gettext_lazy("Risk point code"), 14, lambda r: r.point.code),
    Column(
        "风险点名称",
        gettext_lazy("Risk point"),
        20,
        lambda r: r.words.text(r.point.name, r.point.name_en),
    ),
    Column("类型", gettext_lazy("Kind"), 10, lambda r: r.words.point_kind(r.point.kind)),
    Column("所属区域", gettext_lazy("Area"), 22, lambda r: area_path(r.point)),
    Column("危险源", gettext_lazy("Hazard sources"), 36, _sources),
    Column("可能导致的事故类型", gettext_lazy("Possible accidents"), 18, _accidents),
    Column(
        "评价方法",
        gettext_lazy("Method"),
        10,
        lambda r: r.words.method(r.assessment.method) if r.assessment else "",
    ),
]
LEVEL_COLUMN = Column(
    "风险等级", gettext_lazy("Risk level"), 12, lambda r: r.words.band(r.point.band)
)
TAIL_COLUMNS = [
    *(Column(MEASURE_KIND_ZH[k], MEASURE_KIND_EN[k], 34, _measures(k)) for k in MeasureKind),
    Column(
        "管控层级",
        gettext_lazy("Control level"),
        10,
        lambda r: r.words.level(r.point.control_level),
    ),
    Column("责任人", gettext_lazy("Responsible person"), 12, _responsible),
]


def register_columns(methods: set[str]) -> list[Column]:
    """The sheet's columns; the factor columns of each method the rows were assessed by
    (the enterprise's current method when none is)."""
    factors = []
    if Method.LEC in methods:
        factors += LEC_COLUMNS
    if Method.MATRIX in methods:
        factors += MATRIX_COLUMNS
    return [*HEAD_COLUMNS, *factors, LEVEL_COLUMN, *TAIL_COLUMNS]


# --- Writing --------------------------------------------------------------------


def _clean(value: object) -> object:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def band_fill(band: str):
    """The fill and font of a cell coloured as ``band`` (white text but on yellow)."""
    from openpyxl.styles import Font, PatternFill

    colour = BAND_COLOURS[band].lstrip("#").upper()
    text = "000000" if band == Band.YELLOW else "FFFFFF"
    return PatternFill("solid", fgColor=f"FF{colour}"), Font(bold=True, color=f"FF{text}")


def _title(sheet, text: str, width: int) -> None:
    from openpyxl.styles import Alignment, Font

    sheet.append([text])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 28


def _headers(sheet, headers: list[str], widths: list[float]) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    sheet.append(headers)
    thin = Side(style="thin", color="FF999999")
    for index, cell in enumerate(sheet[2], start=1):
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFE8ECF0")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        sheet.column_dimensions[get_column_letter(index)].width = widths[index - 1]


def _heading(words: Words, zh: str, en: str) -> str:
    tenant = getattr(connection, "tenant", None)
    name = getattr(tenant, "name", "") or ""
    day = f"{timezone.localdate():%Y-%m-%d}"
    return " ".join(part for part in (name, words.pick(zh, en), f"({day})") if part)


def _register_sheet(sheet, points: list[RiskPoint], words: Words) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    assessments = [latest_assessment(p) for p in points]
    methods = {a.method for a in assessments if a} or {_current_method()}
    columns = register_columns(methods)
    level_at = columns.index(LEVEL_COLUMN) + 1
    _title(sheet, _heading(words, "风险分级管控清单", _("Risk register")), len(columns))
    _headers(sheet, [c.header(words) for c in columns], [c.width for c in columns])
    wrap = Alignment(vertical="top", wrap_text=True)
    for index, (point, assessment) in enumerate(zip(points, assessments, strict=True), start=1):
        row = Row(index, point, assessment, words)
        sheet.append([_clean(column.value(row)) for column in columns])
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
        if point.band:
            cell = sheet.cell(row=sheet.max_row, column=level_at)
            cell.fill, cell.font = band_fill(point.band)
    sheet.freeze_panes = "D3"  # headers and the code and name stay in view
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{max(sheet.max_row, 2)}"


def _current_method() -> str:
    from safeloop.tenants.risks.models import RiskSettings

    return RiskSettings.current().method


def counts_headers(words: Words) -> list[str]:
    return [
        words.pick("区域编码", _("Area code")),
        words.pick("区域", _("Area")),
        *(words.band(band) for band in Band),
        words.band(""),
        words.pick("合计", _("Total")),
    ]


def _counts_sheet(sheet, rows: list[ColourCounts], total: ColourCounts, words: Words) -> None:
    from openpyxl.styles import Alignment, Font

    headers = counts_headers(words)
    _title(sheet, _heading(words, "各区域风险数量", _("Risks by colour per area")), len(headers))
    _headers(sheet, headers, [14, 28, 11, 11, 11, 11, 11, 9])
    for offset, band in enumerate(Band, start=3):
        cell = sheet.cell(row=2, column=offset)
        cell.fill, cell.font = band_fill(band)
    depth = {"site": 0, "workshop": 1, "area": 2}
    for row in rows:
        sheet.append([_clean(row.area.code), _clean(row.area.display_name), *row[1:]])
        sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(
            indent=depth.get(row.area.kind, 0) * 2
        )
    sheet.append(["", words.pick("合计", _("Total")), *total[1:]])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C3"


def register_xlsx(points: QuerySet[RiskPoint]) -> bytes:
    """The register of ``points`` (already filtered) and the colour counts per area of
    the same points, as an XLSX workbook in the current language."""
    from openpyxl import Workbook

    words = Words.current()
    workbook = Workbook()
    register = workbook.active
    register.title = words.pick("风险分级管控清单", _("Risk register"))[:31]
    rows = list(register_queryset(points))
    _register_sheet(register, rows, words)
    counts = workbook.create_sheet(words.pick("风险数量统计", _("Counts by colour"))[:31])
    base = points.order_by()
    _counts_sheet(counts, colour_counts_by_area(base, skip_empty=True), colour_totals(base), words)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def filename(now=None) -> str:
    return f"risk-register-{timezone.localtime(now or timezone.now()):%Y%m%d-%H%M}.xlsx"
