"""The monthly closed-loop health report (隐患闭环健康度报告, seed 004): what a month of
the loop looked like, per workshop, as figures, a PDF (Chinese with English headings,
a chart of the mean closure time) and an XLSX.

Figures of month M (local dates):
- per workshop: hazards reported in M; closed-loop rate = of those, closed by the end
  of M; overdue rate = of those with a deadline, closed after it or still open past it
  at the end of M. A workshop with nothing reported shows "—".
- top 3 repeated: the library entries reported most often in M (at least twice).
- mean closure time (hours, report → close) of the hazards closed in each of the six
  months ending with M: the trend chart.
- inspection completion: tasks whose window ended in M, the share done.
- new and closed hazards by grade in M.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference
from openpyxl.styles import Font
from reportlab.graphics import renderPDF
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from safeloop.platform.localdays import month_bounds
from safeloop.tenants.facilities.labels import register_font
from safeloop.tenants.facilities.models import Area, AreaKind
from safeloop.tenants.hazards.models import Grade, Hazard, State
from safeloop.tenants.inspections.models import InspectionTask, TaskState

TREND_MONTHS = 6


def previous_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def _rate(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


@dataclass
class WorkshopRow:
    code: str
    name: str
    reported: int
    closed: int
    overdue: int
    with_deadline: int
    closed_loop_rate: float | None
    overdue_rate: float | None


@dataclass
class Figures:
    month: str  # "2026-11"
    workshops: list[WorkshopRow] = field(default_factory=list)
    top_repeated: list[tuple[str, int]] = field(default_factory=list)
    closure_trend: list[tuple[str, float | None]] = field(default_factory=list)
    inspection_done: int = 0
    inspection_due: int = 0
    new_by_grade: dict[str, int] = field(default_factory=dict)
    closed_by_grade: dict[str, int] = field(default_factory=dict)

    @property
    def inspection_rate(self) -> float | None:
        return _rate(self.inspection_done, self.inspection_due)

    def as_dict(self) -> dict:
        return asdict(self)


def _mean_closure_hours(first: date) -> float | None:
    start, end = month_bounds(first)
    took = ExpressionWrapper(F("closed_at") - F("reported_at"), output_field=DurationField())
    mean = (
        Hazard.objects.filter(state=State.CLOSED, closed_at__gte=start, closed_at__lt=end)
        .annotate(took=took)
        .aggregate(mean=Avg("took"))["mean"]
    )
    return round(mean.total_seconds() / 3600, 1) if mean is not None else None


def monthly_figures(first: date) -> Figures:
    """The figures of the month starting ``first``; a fixed number of queries."""
    start, end = month_bounds(first)
    figures = Figures(month=f"{first:%Y-%m}")
    reported = Hazard.objects.filter(reported_at__gte=start, reported_at__lt=end).exclude(
        state=State.DISMISSED
    )
    closed_in_time = Q(state=State.CLOSED, closed_at__lt=end)
    late = Q(deadline__isnull=False) & (
        Q(state=State.CLOSED, closed_at__gt=F("deadline"))
        | (~Q(state=State.CLOSED) & Q(deadline__lt=end))
    )
    per_workshop = {
        row["workshop_id"]: row
        for row in reported.values("workshop_id").annotate(
            n=Count("id"),
            closed=Count("id", filter=closed_in_time),
            with_deadline=Count("id", filter=Q(deadline__isnull=False)),
            overdue=Count("id", filter=late),
        )
    }
    for workshop in Area.objects.filter(kind=AreaKind.WORKSHOP).order_by("code"):
        row = per_workshop.get(workshop.pk, {})
        n, closed = row.get("n", 0), row.get("closed", 0)
        with_deadline, overdue = row.get("with_deadline", 0), row.get("overdue", 0)
        figures.workshops.append(
            WorkshopRow(
                code=workshop.code,
                name=workshop.display_name,
                reported=n,
                closed=closed,
                overdue=overdue,
                with_deadline=with_deadline,
                closed_loop_rate=_rate(closed, n),
                overdue_rate=_rate(overdue, with_deadline),
            )
        )
    figures.top_repeated = [
        (row["library_entry__title"], row["n"])
        for row in reported.filter(library_entry__isnull=False)
        .values("library_entry__title")
        .annotate(n=Count("id"))
        .filter(n__gte=2)
        .order_by("-n", "library_entry__title")[:3]
    ]
    months = [first]
    for _ in range(TREND_MONTHS - 1):
        months.insert(0, previous_month(months[0]))
    figures.closure_trend = [(f"{m:%Y-%m}", _mean_closure_hours(m)) for m in months]
    tasks = InspectionTask.objects.filter(window_end__gt=start, window_end__lte=end)
    counts = tasks.aggregate(due=Count("id"), done=Count("id", filter=Q(state=TaskState.DONE)))
    figures.inspection_due, figures.inspection_done = counts["due"], counts["done"]
    figures.new_by_grade = {g: 0 for g in Grade.values}
    for row in reported.values("grade").annotate(n=Count("id")):
        figures.new_by_grade[row["grade"]] = row["n"]
    figures.closed_by_grade = {g: 0 for g in Grade.values}
    closed = Hazard.objects.filter(state=State.CLOSED, closed_at__gte=start, closed_at__lt=end)
    for row in closed.values("grade").annotate(n=Count("id")):
        figures.closed_by_grade[row["grade"]] = row["n"]
    return figures


# --- The documents -------------------------------------------------------------------

GRADE_ZH = {Grade.GENERAL: "一般", Grade.SERIOUS: "一般（较大）", Grade.MAJOR: "重大"}
GRADE_EN = {Grade.GENERAL: "general", Grade.SERIOUS: "serious", Grade.MAJOR: "major"}


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def _chart(figures: Figures, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y = 36, 24
    chart.width, chart.height = width - 56, height - 40
    values = [v if v is not None else 0 for _, v in figures.closure_trend]
    chart.data = [values]
    chart.categoryAxis.categoryNames = [m for m, _ in figures.closure_trend]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(values + [1]) * 1.2
    chart.valueAxis.labels.fontSize = 7
    chart.lines[0].strokeColor = colors.HexColor("#0b3a5b")
    chart.lines[0].strokeWidth = 2
    drawing.add(chart)
    return drawing


def report_pdf(enterprise_name: str, figures: Figures) -> bytes:
    font = register_font()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    page_w, page_h = A4
    margin = 16 * mm
    y = page_h - margin

    def line(text: str, size: float = 10.5, gap: float = 1.5, colour=(0, 0, 0)) -> None:
        nonlocal y
        if y - size * gap < margin:
            canvas.showPage()
            y = page_h - margin
        canvas.setFillColorRGB(*colour)
        canvas.setFont(font, size)
        canvas.drawString(margin, y - size, text)
        y -= size * gap

    canvas.setTitle(f"隐患闭环健康度报告 {figures.month}")
    line(f"{enterprise_name}", 12)
    line(f"隐患闭环健康度报告  Closed-loop health report  {figures.month}", 16, 1.8)
    line("各车间  Per workshop", 12.5, 1.8, (0.1, 0.2, 0.35))
    line("车间 Workshop           上报 Reported   闭环率 Closed-loop   超期率 Overdue", 9.5)
    for row in figures.workshops:
        line(
            f"{row.code} {row.name[:10]:<12}  {row.reported:>6}        "
            f"{_pct(row.closed_loop_rate):>9}         {_pct(row.overdue_rate):>9}",
            10,
        )
    line("重复出现最多的隐患  Top 3 repeated hazards", 12.5, 1.8, (0.1, 0.2, 0.35))
    if figures.top_repeated:
        for n, (title, count) in enumerate(figures.top_repeated, start=1):
            line(f"{n}. {title}  × {count}")
    else:
        line("本月无重复出现的隐患  None repeated this month")
    line("平均闭环时长趋势（小时）  Mean closure time (hours)", 12.5, 1.8, (0.1, 0.2, 0.35))
    chart_h = 60 * mm
    if y - chart_h < margin:
        canvas.showPage()
        y = page_h - margin
    renderPDF.draw(_chart(figures, page_w - 2 * margin, chart_h), canvas, margin, y - chart_h)
    y -= chart_h + 4
    trend = "  ".join(f"{m}: {'—' if v is None else v}" for m, v in figures.closure_trend)
    line(trend, 8.5)
    line("巡检完成率  Inspection completion", 12.5, 1.8, (0.1, 0.2, 0.35))
    line(f"{_pct(figures.inspection_rate)}  ({figures.inspection_done}/{figures.inspection_due})")
    line("按等级新增与关闭  New and closed by grade", 12.5, 1.8, (0.1, 0.2, 0.35))
    for grade in Grade.values:
        line(
            f"{GRADE_ZH[grade]} {GRADE_EN[grade]}:  新增 new {figures.new_by_grade.get(grade, 0)}"
            f"   关闭 closed {figures.closed_by_grade.get(grade, 0)}"
        )
    line(f"生成于 Generated {timezone.localtime():%Y-%m-%d %H:%M}", 8, 2, (0.4, 0.4, 0.4))
    canvas.save()
    return out.getvalue()


def report_xlsx(figures: Figures) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "车间 Workshops"
    sheet.append(
        [
            "车间 Workshop",
            "上报 Reported",
            "闭环 Closed",
            "闭环率 Closed-loop rate",
            "有期限 With deadline",
            "超期 Overdue",
            "超期率 Overdue rate",
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in figures.workshops:
        sheet.append(
            [
                f"{row.code} {row.name}",
                row.reported,
                row.closed,
                row.closed_loop_rate,
                row.with_deadline,
                row.overdue,
                row.overdue_rate,
            ]
        )
    for column in ("D", "G"):
        for cell in sheet[column][1:]:
            cell.number_format = "0.0%"
    trend = book.create_sheet("趋势 Trend")
    trend.append(["月份 Month", "平均闭环时长（小时） Mean closure hours"])
    for month, hours in figures.closure_trend:
        trend.append([month, hours])
    chart = LineChart()
    chart.title = "平均闭环时长 Mean closure time"
    chart.add_data(
        Reference(trend, min_col=2, min_row=1, max_row=len(figures.closure_trend) + 1),
        titles_from_data=True,
    )
    chart.set_categories(
        Reference(trend, min_col=1, min_row=2, max_row=len(figures.closure_trend) + 1)
    )
    trend.add_chart(chart, "D2")
    other = book.create_sheet("汇总 Summary")
    other.append(["重复隐患 Top repeated", "次数 Count"])
    for title, count in figures.top_repeated:
        other.append([title, count])
    other.append([])
    other.append(["巡检完成率 Inspection completion", figures.inspection_rate])
    other.append([])
    other.append(["等级 Grade", "新增 New", "关闭 Closed"])
    for grade in Grade.values:
        other.append(
            [
                f"{GRADE_ZH[grade]} {GRADE_EN[grade]}",
                figures.new_by_grade.get(grade, 0),
                figures.closed_by_grade.get(grade, 0),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
