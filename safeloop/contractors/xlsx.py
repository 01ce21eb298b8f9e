"""Small helpers for the contractor sheets (the worker list's template, import and
export): reading a cell the way people type it, headers in Chinese with English
beside them, and text Excel will not take for a formula.

The question bank (``safeloop.learning.bank_xlsx``) reads its sheets the same way.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from zipfile import BadZipFile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A cell starting with one of these is a formula to Excel: user text must not be one.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def norm(value) -> str:
    """A header or a label as compared: no spaces, no case, no underscores."""
    return re.sub(r"[\s_]+", "", str(value or "")).lower()


def cell_text(value) -> str:
    """What a cell says, as text: ``13900139000.0`` (a phone typed into a number cell)
    is ``13900139000``, a date is ``2027-06-30``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def safe_text(value):
    """User text written to a cell: never a formula, never a character XML refuses."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def open_workbook(file, *, max_bytes: int):
    """The uploaded workbook (read-only); a clear ``ValidationError`` when it is too large
    or not an .xlsx file at all."""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(0)
    if size > max_bytes:
        raise ValidationError(
            _("The file is larger than %(mb)s MB. Split the list into several files.")
            % {"mb": f"{max_bytes / 1024 / 1024:g}"},
            code="too_large",
        )
    try:
        return load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError, TypeError):
        # openpyxl raises any of these for a file that is not a workbook.
        raise ValidationError(
            _("This is not an Excel (.xlsx) file. Download the template and fill it in."),
            code="invalid_file",
        ) from None


def header_map(header_row: Iterable, columns: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """Column key -> index, for the headers of ``columns`` found in ``header_row``."""
    wanted = {norm(h): key for key, headers in columns.items() for h in headers}
    found: dict[str, int] = {}
    for index, value in enumerate(header_row):
        key = wanted.get(norm(value))
        if key and key not in found:
            found[key] = index
    return found


def write_header(sheet, headers: list[tuple[str, str, int]]) -> None:
    """Row 1: bold headers, each ``(header, comment, width)``; the comment (English and
    a hint) shows when the pointer rests on the header."""
    sheet.append([header for header, _comment, _width in headers])
    for index, (_header, comment, width) in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        if comment:
            cell.comment = Comment(comment, "SafeLoop", width=260, height=90)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
