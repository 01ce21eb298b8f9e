"""The inspection records (检查记录) as XLSX: one row per inspection, one per answer.

Sheet one lists each inspection: where, with which checklist version, by whom, when,
its result and its flags. Sheet two lists every answer of every inspection: the item,
the value, pass, fail or not applicable, the note, the photo and the hazard a failed
answer raised. Times are local; user text never starts a formula. The caller decides
who may read it (the full export is the admin's: ``reports.archive``).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safeloop.tenants.inspections.models import Answer, Inspection

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula to Excel: user text must not be one.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000

# How the workbook names a stored photo: its name in storage unless the caller (the
# full export) knows where the photo lies next to the workbook.
PhotoPath = Callable[[FieldFile], str]


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def _yes_no(flag: bool) -> str:
    return _("yes") if flag else _("no")


def _point(inspection: Inspection) -> str:
    point = inspection.point
    target = point.area or point.equipment
    name = target.display_name if point.area_id else target.name
    return f"{target.code} {name}"


def _checklist(inspection: Inspection) -> str:
    version = inspection.checklist_version
    return f"{version.checklist.code} {version.checklist.display_name} v{version.number}"


def _verdict(answer: Answer) -> str:
    if answer.not_applicable:
        return _("Not applicable")
    if answer.passed is None:
        return ""
    return _("Pass") if answer.passed else _("Fail")


def _value(answer: Answer) -> object:
    if answer.not_applicable:
        return ""
    value = answer.value
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


INSPECTION_COLUMNS: list[tuple[object, int, Callable[[Inspection], object]]] = [
    (gettext_lazy("Inspection no."), 12, lambda i: i.pk),
    (gettext_lazy("Started at"), 17, lambda i: _local(i.started_at)),
    (gettext_lazy("Finished at"), 17, lambda i: _local(i.submitted_at)),
    (gettext_lazy("Inspection point"), 26, _point),
    (gettext_lazy("Checklist"), 30, _checklist),
    (gettext_lazy("Inspector"), 16, lambda i: i.inspector.full_name),
    (gettext_lazy("Result"), 10, lambda i: i.get_result_display() if i.result else _("Draft")),
    (gettext_lazy("Failed items"), 11, lambda i: i.failed_count),
    (gettext_lazy("Far from the point"), 12, lambda i: _yes_no(i.far_from_point)),
    (gettext_lazy("Too fast"), 10, lambda i: _yes_no(i.too_fast)),
    (gettext_lazy("Note"), 40, lambda i: i.note),
]


def _answer_columns(photo_path: PhotoPath) -> list[tuple[object, int, Callable[[Answer], object]]]:
    return [
        (gettext_lazy("Inspection no."), 12, lambda a: a.inspection_id),
        (gettext_lazy("No."), 6, lambda a: a.item.order),
        (gettext_lazy("Check item"), 40, lambda a: a.item.display_label),
        (gettext_lazy("Answer"), 18, _value),
        (gettext_lazy("Verdict"), 10, _verdict),
        (gettext_lazy("Note"), 30, lambda a: a.note),
        (gettext_lazy("Photo"), 40, lambda a: photo_path(a.photo) if a.photo else ""),
        (gettext_lazy("Hazard"), 16, lambda a: a.hazard.number if a.hazard_id else ""),
    ]


def records_queryset(qs: QuerySet[Inspection]) -> QuerySet[Inspection]:
    return (
        qs.select_related(
            "point__area",
            "point__equipment",
            "checklist_version__checklist",
            "inspector__user",
        )
        .annotate(failed_count=Count("answers", filter=Q(answers__passed=False)))
        .order_by("started_at", "id")
    )


def _clean(value: object) -> object:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _sheet(sheet, columns, rows) -> None:
    """Write-only: a large enterprise has hundreds of thousands of answers, and a
    write-only sheet streams them to the file instead of holding every cell."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for index, (_header, width, _value) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    headers = []
    for header, _width, _value in columns:
        cell = WriteOnlyCell(sheet, value=str(header))
        cell.font = bold
        headers.append(cell)
    sheet.append(headers)
    for row in rows:
        values = []
        for _header, _width, value in columns:
            cell = WriteOnlyCell(sheet, value=_clean(value(row)))
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            values.append(cell)
        sheet.append(values)


def records_xlsx(qs: QuerySet[Inspection], *, photo_path: PhotoPath | None = None) -> bytes:
    """The inspections of ``qs`` and all their answers as an XLSX workbook in the current
    language; ``photo_path`` names an answer's photo (default: its name in storage)."""
    from openpyxl import Workbook

    photo_path = photo_path or (lambda file: file.name)
    workbook = Workbook(write_only=True)
    records = workbook.create_sheet(_("Inspection records")[:31])
    inspections = records_queryset(qs)
    _sheet(records, INSPECTION_COLUMNS, inspections.iterator(chunk_size=CHUNK))
    answers = workbook.create_sheet(_("Answers")[:31])
    rows = (
        Answer.objects.filter(inspection__in=qs.order_by().values("pk"))
        .select_related("item", "hazard")
        .order_by("inspection__started_at", "inspection_id", "item__order", "id")
    )
    _sheet(answers, _answer_columns(photo_path), rows.iterator(chunk_size=CHUNK))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
