"""The report of a major hazard (重大事故隐患报告) for the regulator and the workers'
congress (《安全生产法》 Art. 41; 16号令 Art. 14): an A4 PDF in Chinese with English
headings: the hazard and the clause it was judged by, the stop-work order, the
remediation plan's six parts and its approval, the fixes, the assessment and the
sign-off. Pages follow one another as the text needs.
"""

from __future__ import annotations

import io

from django.db import connection
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from safeloop.tenants.facilities.labels import register_font, wrap_text
from safeloop.tenants.hazards.models import Hazard, MajorCase

MARGIN = 16 * mm
PAGE_W, PAGE_H = A4
WIDTH = PAGE_W - 2 * MARGIN
BODY, HEAD = 10.5, 12.5
LEADING = 1.45


def _when(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "—"


def _who(user) -> str:
    return (user.get_full_name() or user.email) if user else "—"


def clause_of(hazard: Hazard) -> str:
    """The clause the hazard was judged major by: the hazard's own record when there is
    one, else the library entry's basis."""
    if hazard.clause_number:
        head = f"{hazard.clause_criteria}{hazard.clause_number}".strip()
        return f"{head}：{hazard.clause_text}" if hazard.clause_text else head
    if hazard.library_entry is not None and hazard.library_entry.basis:
        return hazard.library_entry.basis
    return "—"


class _Writer:
    def __init__(self, canvas: Canvas, font: str):
        self.canvas, self.font = canvas, font
        self.y = PAGE_H - MARGIN

    def _room(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.canvas.showPage()
            self.y = PAGE_H - MARGIN

    def heading(self, zh: str, en: str) -> None:
        self._room(HEAD * 3)
        self.y -= HEAD * 0.8
        self.canvas.setFont(self.font, HEAD)
        self.canvas.drawString(MARGIN, self.y - HEAD, f"{zh}  {en}")
        self.y -= HEAD * LEADING + 2
        self.canvas.setStrokeColorRGB(0.75, 0.75, 0.75)
        self.canvas.line(MARGIN, self.y + 3, PAGE_W - MARGIN, self.y + 3)

    def field(self, label: str, value: str) -> None:
        label_w = 34 * mm
        lines = []
        for paragraph in (value or "—").splitlines() or ["—"]:
            lines += wrap_text(paragraph, self.font, BODY, WIDTH - label_w) or [""]
        self._room(BODY * LEADING * min(len(lines), 3))
        self.canvas.setFont(self.font, BODY)
        self.canvas.setFillColorRGB(0.35, 0.35, 0.35)
        self.canvas.drawString(MARGIN, self.y - BODY, label)
        self.canvas.setFillColorRGB(0, 0, 0)
        for line in lines:
            self._room(BODY * LEADING)
            self.canvas.setFont(self.font, BODY)
            self.canvas.drawString(MARGIN + label_w, self.y - BODY, line)
            self.y -= BODY * LEADING
        self.y -= 2


def major_report_pdf(hazard: Hazard, case: MajorCase) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setTitle(f"重大事故隐患报告 {hazard.number}")
    font = register_font()
    w = _Writer(canvas, font)
    enterprise = getattr(connection, "tenant", None)
    canvas.setFont(font, 17)
    canvas.drawCentredString(PAGE_W / 2, w.y - 17, "重大事故隐患报告")
    w.y -= 17 * 1.6
    canvas.setFont(font, 11)
    canvas.drawCentredString(PAGE_W / 2, w.y - 11, "Major hazard report")
    w.y -= 11 * 2
    w.field("报送 To", "负有安全生产监督管理职责的部门；职工代表大会（职工大会）")
    w.field("单位 Enterprise", getattr(enterprise, "name", ""))
    w.field("报告日期 Date", _when(timezone.now()))

    w.heading("一、隐患", "The hazard")
    w.field("编号 Number", hazard.number)
    w.field("隐患 Hazard", hazard.title)
    w.field("描述 Description", hazard.description)
    area = f"{hazard.area.parent} · {hazard.area}" if hazard.area.parent_id else str(hazard.area)
    w.field("位置 Location", area + (f" · {hazard.equipment}" if hazard.equipment_id else ""))
    w.field("发现时间 Found", _when(hazard.reported_at))
    w.field("判定依据 Clause", clause_of(hazard))
    w.field("状态 State", str(hazard.get_state_display()))

    w.heading("二、停止作业", "Stop-work order")
    if case.stop_ordered_at:
        w.field("范围 Scope", case.stop_scope)
        w.field("下达 Ordered", f"{_when(case.stop_ordered_at)} · {_who(case.stop_ordered_by)}")
        w.field("解除 Lifted", _when(case.stop_lifted_at))
    else:
        w.field("范围 Scope", "未下达停止作业指令 No stop ordered")

    w.heading("三、治理方案", "Remediation plan")
    w.field("目标和任务 Goal", case.goal)
    w.field("方法和措施 Measures", case.measures)
    w.field("经费和物资 Funds", case.funds)
    w.field("机构和人员 People", case.people)
    w.field("时限和要求 Deadline", _when(case.plan_deadline))
    w.field("安全措施和应急预案", case.interim_measures)
    w.field("批准 Approved", f"{_when(case.plan_approved_at)} · {_who(case.plan_approved_by)}")

    w.heading("四、治理情况", "Remediation")
    fixes = list(hazard.rectifications.select_related("by").order_by("id"))
    for fix in fixes:
        w.field(f"整改 Fix {_when(fix.submitted_at)}", f"{fix.description} · {_who(fix.by)}")
    if not fixes:
        w.field("整改 Fix", "尚未提交 Not submitted yet")
    for acceptance in hazard.acceptances.select_related("by").order_by("at", "id"):
        w.field(
            acceptance.get_level_display(),
            f"{acceptance.get_decision_display()} · {_who(acceptance.by)} · {_when(acceptance.at)}"
            + (f" · {acceptance.note}" if acceptance.note else ""),
        )

    w.heading("五、评估与销号", "Assessment and sign-off")
    passed = {True: "通过 Passed", False: "未通过 Not passed"}.get(case.assessment_passed, "—")
    w.field("评估 Assessment", f"{passed} · {_when(case.assessed_at)}")
    w.field("评估人员 Assessors", case.assessors)
    w.field("结论 Conclusion", case.assessment)
    w.field("销号 Closed", _when(hazard.closed_at))
    canvas.showPage()
    canvas.save()
    return out.getvalue()
