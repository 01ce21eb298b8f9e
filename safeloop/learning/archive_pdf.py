"""A person's training archive (一人一档) as an A4 PDF for auditors."""

from __future__ import annotations

import io

from django.db import connection
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from safeloop.tenants.facilities.labels import register_font


def _table(rows: list[list], widths: list[float], font: str) -> Table:
    cell = ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11)
    head = ParagraphStyle("head", parent=cell, textColor=colors.white)
    data = [[Paragraph(str(v), head) for v in rows[0]]]
    data += [[Paragraph("" if v is None else str(v), cell) for v in row] for row in rows[1:]]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#0b3b5b")),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def render_person_archive(archive) -> bytes:
    font = register_font()
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=24)
    text = ParagraphStyle("text", fontName=font, fontSize=10, leading=14)
    section = ParagraphStyle("section", fontName=font, fontSize=12, leading=18, spaceBefore=8)
    person = archive.person
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{person.employee_no} 培训档案 Training record",
        creator="SafeLoop",
    )
    enterprise = getattr(getattr(connection, "tenant", None), "name", "")
    story = [
        Paragraph("员工培训档案 Training record", title),
        Paragraph(
            f"{enterprise} · {person.employee_no} {person.full_name}"
            f" · {person.job_role.name if person.job_role else ''}",
            text,
        ),
        Paragraph(
            f"学时合计 Credit hours: {archive.hours} · 已完成课程 Courses done:"
            f" {archive.courses_done} · 逾期 Overdue: {archive.overdue}"
            f" · 打印日期 Printed: {timezone.localdate().isoformat()}",
            text,
        ),
        Spacer(1, 4 * mm),
        Paragraph("课程 Courses", section),
    ]
    rows = [
        ["课程 Course", "来源 Source", "分配 Assigned", "应完成 Due", "完成 Done", "状态 State"]
    ]
    for a in archive.assignments:
        state = (
            "已取消 cancelled"
            if a.cancelled_at
            else "已完成 done"
            if a.completed_at
            else "逾期 overdue"
            if a.due_on < archive.today
            else "进行中 open"
        )
        rows.append(
            [
                a.course.title,
                a.get_source_display(),
                timezone.localdate(a.assigned_at).isoformat(),
                a.due_on.isoformat(),
                timezone.localdate(a.completed_at).isoformat() if a.completed_at else "",
                state,
            ]
        )
    story.append(_table(rows, [58 * mm, 24 * mm, 24 * mm, 24 * mm, 24 * mm, 26 * mm], font))
    story.append(Paragraph("考试 Attempts", section))
    rows = [["课程 Course", "第几次 No.", "交卷 Submitted", "成绩 Score", "结果 Result"]]
    for t in archive.attempts:
        rows.append(
            [
                t.quiz.course.title + (f" · {t.quiz.lesson.title}" if t.quiz.lesson_id else ""),
                t.number,
                timezone.localtime(t.submitted_at).strftime("%Y-%m-%d %H:%M"),
                t.score,
                "合格 passed" if t.passed else "不合格 failed",
            ]
        )
    story.append(_table(rows, [70 * mm, 20 * mm, 36 * mm, 22 * mm, 32 * mm], font))
    story.append(Paragraph("合格证 Certificates", section))
    rows = [
        [
            "编号 Number",
            "课程 Course",
            "发证 Issued",
            "有效期至 Valid until",
            "学时 Hours",
            "状态 Status",
        ]
    ]
    for cert, _status, label in archive.certificate_rows():
        rows.append(
            [
                cert.number,
                cert.course.title,
                cert.issued_on.isoformat(),
                cert.valid_until.isoformat() if cert.valid_until else "—",
                cert.hours,
                label,
            ]
        )
    story.append(_table(rows, [34 * mm, 52 * mm, 24 * mm, 26 * mm, 18 * mm, 26 * mm], font))
    doc.build(story)
    return out.getvalue()
