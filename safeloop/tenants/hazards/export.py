"""The hazard ledger (隐患台账) as CSV or XLSX, with the board's filters.

Built in memory: ten thousand rows are a few megabytes. CSV carries a BOM so
Excel in China opens it as UTF-8 instead of guessing GBK.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safeloop.access import ensure_can
from safeloop.tenants.hazards.models import OPEN_STATES, Hazard, State
from safeloop.tenants.hazards.permissions import HazardPerm

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A cell starting with one of these is a formula to Excel: user text must not be one.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _yes_no(flag: bool) -> str:
    return _("yes") if flag else _("no")


def was_overdue(hazard: Hazard, now: datetime) -> bool:
    """Open past its deadline, or finished (closed) after it; a dismissal never counts."""
    if hazard.deadline is None or hazard.state == State.DISMISSED:
        return False
    if hazard.state in OPEN_STATES:
        return hazard.deadline < now
    return hazard.closed_at is not None and hazard.closed_at > hazard.deadline


def hours_to_close(hazard: Hazard) -> float | None:
    if hazard.state != State.CLOSED or hazard.closed_at is None:
        return None
    return round((hazard.closed_at - hazard.reported_at).total_seconds() / 3600, 1)


def _reporter(hazard: Hazard) -> str:
    if hazard.is_anonymous or hazard.reporter is None:
        return _("anonymous")
    return hazard.reporter.get_full_name() or hazard.reporter.email


COLUMNS: list[tuple[str, int, Callable[[Hazard, datetime], object]]] = [
    (gettext_lazy("Number"), 14, lambda h, now: h.number),
    (gettext_lazy("Reported at"), 17, lambda h, now: _local(h.reported_at)),
    (gettext_lazy("Area"), 22, lambda h, now: f"{h.area.code} {h.area.display_name}"),
    (
        gettext_lazy("Equipment"),
        20,
        lambda h, now: f"{h.equipment.code} {h.equipment.name}" if h.equipment else "",
    ),
    (gettext_lazy("Category"), 16, lambda h, now: h.category.display_name if h.category else ""),
    (gettext_lazy("Title"), 36, lambda h, now: h.title),
    (gettext_lazy("Description"), 48, lambda h, now: h.description),
    (gettext_lazy("Grade"), 10, lambda h, now: h.get_grade_display()),
    (gettext_lazy("State"), 18, lambda h, now: h.get_state_display()),
    (gettext_lazy("Near miss"), 10, lambda h, now: _yes_no(h.is_near_miss)),
    (gettext_lazy("Reporter"), 16, lambda h, now: _reporter(h)),
    (gettext_lazy("Assignee"), 16, lambda h, now: h.assignee.full_name if h.assignee else ""),
    (gettext_lazy("Deadline"), 17, lambda h, now: _local(h.deadline)),
    (gettext_lazy("Rectified at"), 17, lambda h, now: _local(h.rectified_at)),
    (gettext_lazy("Closed at"), 17, lambda h, now: _local(h.closed_at)),
    (gettext_lazy("Overdue"), 9, lambda h, now: _yes_no(was_overdue(h, now))),
    (gettext_lazy("Hours to close"), 13, lambda h, now: hours_to_close(h)),
]


def ledger_queryset(qs: QuerySet[Hazard]) -> QuerySet[Hazard]:
    return (
        qs.select_related("area", "equipment", "category", "reporter", "assignee__user")
        .annotate(rectified_at=Max("rectifications__submitted_at"))
        .order_by("reported_at", "id")
    )


def headers() -> list[str]:
    return [str(header) for header, _width, _value in COLUMNS]


def ledger_rows(qs: QuerySet[Hazard], now: datetime | None = None) -> Iterator[list]:
    now = now or timezone.now()
    for hazard in ledger_queryset(qs).iterator(chunk_size=2000):
        yield [value(hazard, now) for _header, _width, value in COLUMNS]


def _safe_text(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(rows: Iterable[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers())
    for row in rows:
        writer.writerow(
            [
                f"{cell:%Y-%m-%d %H:%M}"
                if isinstance(cell, datetime)
                else ("" if cell is None else _safe_text(cell))
                for cell in row
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(rows: Iterable[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Hazard ledger")[:31]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, (_header, width, _value) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(
            [
                ILLEGAL_CHARACTERS_RE.sub("", _safe_text(cell)) if isinstance(cell, str) else cell
                for cell in row
            ]
        )
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


WRITERS = {"csv": write_csv, "xlsx": write_xlsx}


def export_ledger(qs: QuerySet[Hazard], *, by, fmt: str) -> bytes:
    """The ledger of ``qs`` (already narrowed to what ``by`` may see) as ``fmt``."""
    ensure_can(by, HazardPerm.HAZARD_EXPORT)
    if fmt not in WRITERS:
        raise ValueError(f"unknown ledger format {fmt!r}")
    return WRITERS[fmt](ledger_rows(qs))


def filename(fmt: str, now: datetime | None = None) -> str:
    return f"hazard-ledger-{timezone.localtime(now or timezone.now()):%Y%m%d-%H%M}.{fmt}"
