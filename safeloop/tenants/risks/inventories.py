"""The 有限空间 and 粉尘 inventories (台账): who answers for each line, and the workbook.

One service changes a line (permission-checked and audited); the page, the
GraphQL API and the export read the same querysets.
"""

from __future__ import annotations

import io

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from safeloop.access import ensure_can
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Person
from safeloop.tenants.risks.models import ConfinedSpace, DustCollector, DustSite
from safeloop.tenants.risks.permissions import RiskPerm

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def confined_spaces() -> QuerySet[ConfinedSpace]:
    return ConfinedSpace.objects.filter(is_active=True).select_related(
        "area", "area__parent", "risk_point", "responsible"
    )


def dust_sites() -> QuerySet[DustSite]:
    return DustSite.objects.filter(is_active=True).select_related(
        "area", "area__parent", "risk_point", "responsible"
    )


@transaction.atomic
def update_line(
    line: ConfinedSpace | DustSite,
    *,
    by,
    responsible: Person | None,
    sign_posted: bool | None = None,
    workers: int | None = None,
) -> ConfinedSpace | DustSite:
    """Name who answers for a line; set its warning sign (有限空间) or head count (粉尘)."""
    ensure_can(by, RiskPerm.RISKS_MANAGE)
    line = type(line).objects.select_for_update().get(pk=line.pk)
    before = {"responsible": line.responsible_id}
    line.responsible = responsible
    fields = ["responsible"]
    if isinstance(line, ConfinedSpace) and sign_posted is not None:
        before["sign_posted"] = line.sign_posted
        line.sign_posted = sign_posted
        fields.append("sign_posted")
    if isinstance(line, DustSite) and workers is not None:
        before["workers"] = line.workers
        line.workers = workers
        fields.append("workers")
    line.save(update_fields=fields)
    record_event(
        line,
        "risks.inventory_changed",
        by=by,
        code=line.code,
        before=before,
        after={f: getattr(line, f"{f}_id" if f == "responsible" else f) for f in fields},
    )
    return line


def _where(line) -> str:
    area = line.area
    return f"{area.parent.display_name} · {area.display_name}" if area.parent else area.display_name


def _sheet(ws, title: str, headers: list[str], rows: list[list]) -> None:
    ws.title = title
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE3EA")
    for row in rows:
        ws.append(row)
    for column, width in zip("ABCDEFGHIJ", (10, 24, 16, 22, 30, 26, 22, 10, 14, 16), strict=False):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def inventories_xlsx() -> bytes:
    """Two sheets: the 有限空间管理台账 and the 粉尘作业场所台账."""
    book = Workbook()
    _sheet(
        book.active,
        _("Confined spaces"),
        [
            _("Code"),
            _("Name"),
            _("Kind"),
            _("Where"),
            _("What can go wrong"),
            _("Harmful substances"),
            _("Work done inside"),
            _("Warning sign"),
            _("Person in charge"),
            _("Risk point"),
        ],
        [
            [
                s.code,
                s.display_name,
                s.get_kind_display(),
                _where(s),
                "、".join(s.hazard_labels),
                s.media,
                s.work,
                _("Yes") if s.sign_posted else _("No"),
                s.responsible.full_name if s.responsible else "",
                s.risk_point.code if s.risk_point else "",
            ]
            for s in confined_spaces()
        ],
    )
    _sheet(
        book.create_sheet(),
        _("Dust sites"),
        [
            _("Code"),
            _("Name"),
            _("Dust"),
            _("Where"),
            _("Explosive dust"),
            _("Dust collector"),
            _("Workers exposed"),
            _("Person in charge"),
            _("Risk point"),
        ],
        [
            [
                d.code,
                d.display_name,
                d.dust,
                _where(d),
                _("Yes") if d.explosive else _("No"),
                str(DustCollector(d.collector).label),
                d.workers,
                d.responsible.full_name if d.responsible else "",
                d.risk_point.code if d.risk_point else "",
            ]
            for d in dust_sites()
        ],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def filename() -> str:
    return f"inventories-{timezone.localdate():%Y%m%d}.xlsx"
