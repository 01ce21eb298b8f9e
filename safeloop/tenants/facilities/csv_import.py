"""Importing people and equipment from a CSV file, all or nothing.

Files come from Excel more often than not: UTF-8 with or without a BOM,
GBK/GB18030 from Chinese Excel, or UTF-16 "Unicode text"; comma, semicolon
or tab separated. Columns are found by header name, English or Chinese.

Every row goes through the same service as a single add (``create_person``,
``create_equipment``) inside its own savepoint, so each rule stays in one
place; when any row fails the whole import is rolled back and every row's
errors are reported with the spreadsheet's row numbers (the header is row 1).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from safeloop.access import ROLE_CHOICES, ensure_can
from safeloop.tenants.facilities.models import (
    Area,
    EquipmentStatus,
    EquipmentType,
    JobRole,
    Person,
)
from safeloop.tenants.facilities.permissions import FacilityPerm
from safeloop.tenants.facilities.services import create_equipment, create_person

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000


class ImportErrorCode:
    TOO_LARGE = "too_large"
    TOO_MANY_ROWS = "too_many_rows"
    ENCODING = "encoding"
    EMPTY = "empty"
    BAD_HEADER = "bad_header"
    REQUIRED = "required"
    NOT_FOUND = "not_found"
    DUPLICATE_IN_FILE = "duplicate_in_file"
    INVALID = "invalid"


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    header_zh: str
    required: bool = False
    aliases: tuple[str, ...] = ()

    def names(self) -> set[str]:
        return {_norm(n) for n in (self.field, self.header, self.header_zh, *self.aliases)}


PEOPLE_COLUMNS = (
    Column("employee_no", "employee_no", "工号", True, ("employee number", "员工编号")),
    Column("full_name", "name", "姓名", True, ("full_name",)),
    Column("email", "email", "邮箱", True, ("电子邮箱", "邮件")),
    Column("phone", "phone", "手机", False, ("电话", "手机号")),
    Column("area", "area", "部门", False, ("区域", "department")),
    Column("job_role", "job_role", "岗位", False, ("job",)),
    Column("roles", "roles", "角色", False, ("role",)),
    Column("superior", "superior", "上级", False, ("上级工号",)),
    Column("language", "language", "语言"),
)
EQUIPMENT_COLUMNS = (
    Column("code", "code", "设备编号", True, ("编号",)),
    Column("name", "name", "设备名称", True, ("名称",)),
    Column("equipment_type", "type", "设备类型", True, ("类型",)),
    Column("area", "area", "区域", True, ("所在区域",)),
    Column("status", "status", "状态"),
    Column("manufacturer", "manufacturer", "制造商", False, ("生产厂家", "厂家")),
    Column("model_number", "model", "型号", False, ("规格型号",)),
    Column("serial_number", "serial_number", "出厂编号", False, ("序列号",)),
    Column("rated_capacity", "rated_capacity", "额定参数", False, ("额定能力",)),
    Column("manufactured_on", "manufactured_on", "出厂日期", False, ("生产日期",)),
)
# Words people type in a spreadsheet, besides the values and their labels.
LANGUAGE_WORDS = {"zh": "zh-hans", "zh-cn": "zh-hans", "中文": "zh-hans", "英文": "en"}
STATUS_WORDS = {"在用": "in_service", "闲置": "idle", "维修": "under_repair", "报废": "retired"}
# Example rows of the sample files, in the order of the columns above.
SAMPLE_ROWS = {
    "people": "E9001,王芳,wang.fang@example.com,13800000000,{area},{job_role},operator,,zh-hans",
    "equipment": "EQ-001,叉车,{type},{area},in_service,Heli,CPCD30,SN123456,3 t,2021-06-30",
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str
    code: str


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _norm(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().strip("\ufeff*").strip().casefold())


def decode(data: bytes) -> str:
    """Text of an uploaded CSV: UTF-8 (BOM or not), UTF-16 with a BOM, else GB18030 (GBK)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8-sig", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError(
        _("The file is not UTF-8 or GBK text. Save it from Excel as “CSV UTF-8”."),
        ImportErrorCode.ENCODING,
    )


class Row:
    """One record: its cells by field, the service arguments made from them, its errors."""

    def __init__(self, number: int, cells: dict[str, str], headers: dict[str, str]):
        self.number, self.cells, self.headers = number, cells, headers
        self.kwargs: dict[str, Any] = {}
        self.errors: list[RowError] = []

    def error(self, name: str, message: str, code: str) -> None:
        column = self.headers.get(name, "" if name in ("", "__all__") else name)
        self.errors.append(RowError(self.number, column, message, code))

    def take(self, name: str, convert: Callable[[str], Any] | None = None) -> None:
        raw = self.cells.get(name, "")
        if not raw:
            return
        try:
            self.kwargs[name] = convert(raw) if convert else raw
        except ValidationError as exc:
            self.add(exc, name)

    def add(self, exc: ValidationError, name: str = "") -> None:
        pairs = exc.error_dict.items() if hasattr(exc, "error_dict") else [(name, exc.error_list)]
        for fieldname, errors in pairs:
            for error in errors:
                for message in error.messages:
                    self.error(fieldname, message, error.code or ImportErrorCode.INVALID)


def read_rows(data: bytes, columns: tuple[Column, ...]) -> list[Row]:
    """Check the file as a whole (size, encoding, header, row count) and return its rows."""
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(mb)s MB. Split it into smaller files.")
            % {"mb": MAX_BYTES // (1024 * 1024)},
            ImportErrorCode.TOO_LARGE,
        )
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(records, None)
    if not header or not any(cell.strip() for cell in header):
        raise ValidationError(_("The file is empty."), ImportErrorCode.EMPTY)
    fields = _map_header(header, columns)
    headers = {name: header[i].strip() for i, name in fields.items()}
    rows: list[Row] = []
    # Spreadsheet numbering: the header is row 1, the first record row 2.
    for number, record in enumerate(records, start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(rows) == MAX_ROWS:
            raise ValidationError(
                _("The file has more than %(max)s rows. Split it into smaller files.")
                % {"max": MAX_ROWS},
                ImportErrorCode.TOO_MANY_ROWS,
            )
        cells = {fields[i]: cell.strip() for i, cell in enumerate(record) if i in fields}
        row = Row(number, cells, headers)
        if any(cell.strip() for cell in record[len(header) :]):
            row.error("", _("This row has more cells than the header."), ImportErrorCode.INVALID)
        for column in columns:
            if column.required and not cells.get(column.field):
                row.error(column.field, _("This field is required."), ImportErrorCode.REQUIRED)
        rows.append(row)
    if not rows:
        raise ValidationError(_("The file has a header but no rows."), ImportErrorCode.EMPTY)
    return rows


def _map_header(header: list[str], columns: tuple[Column, ...]) -> dict[int, str]:
    lookup = {name: column for column in columns for name in column.names()}
    fields: dict[int, str] = {}
    unknown, repeated = [], []
    for index, raw in enumerate(header):
        column = lookup.get(_norm(raw)) if raw.strip() else None
        if column is None and raw.strip():
            unknown.append(raw.strip())
        elif column is not None and column.field in fields.values():
            repeated.append(raw.strip())
        elif column is not None:
            fields[index] = column.field
    missing = [c.header for c in columns if c.required and c.field not in fields.values()]
    problems = []
    if unknown:
        problems.append(_("Unknown columns: %(names)s.") % {"names": ", ".join(unknown)})
    if repeated:
        problems.append(_("Columns given twice: %(names)s.") % {"names": ", ".join(repeated)})
    if missing:
        problems.append(_("Missing columns: %(names)s.") % {"names": ", ".join(missing)})
    if problems:
        expected = ", ".join(f"{c.header} ({c.header_zh})" for c in columns)
        problems.append(_("The columns are: %(names)s.") % {"names": expected})
        raise ValidationError(" ".join(problems), ImportErrorCode.BAD_HEADER)
    return fields


def _by_code(model: type[models.Model], what: str) -> Callable[[str], Any]:
    """Look rows up by code: exact first, then ignoring case when that is unambiguous."""
    exact = {obj.code: obj for obj in model.objects.all()}
    folded: dict[str, list[Any]] = {}
    for code, obj in exact.items():
        folded.setdefault(code.casefold(), []).append(obj)

    def convert(raw: str) -> Any:
        if raw in exact:
            return exact[raw]
        if len(folded.get(raw.casefold(), [])) == 1:
            return folded[raw.casefold()][0]
        raise ValidationError(
            _("No %(what)s with the code “%(code)s”.") % {"what": what, "code": raw},
            code=ImportErrorCode.NOT_FOUND,
        )

    return convert


def _words(choices: list[tuple[str, Any]], extra: dict[str, str]) -> dict[str, str]:
    """Values, their labels in both languages and ``extra`` synonyms, case-folded."""
    words = {k.casefold(): v for k, v in extra.items()}
    for value, label in choices:
        words[value.casefold()] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                words[str(label).casefold()] = value
    return words


def _choice(words: dict[str, str], what: str) -> Callable[[str], str]:
    def convert(raw: str) -> str:
        if raw.casefold() in words:
            return words[raw.casefold()]
        raise ValidationError(
            _("Unknown %(what)s “%(value)s”.") % {"what": what, "value": raw},
            code=ImportErrorCode.INVALID,
        )

    return convert


def _roles(raw: str) -> list[str]:
    one_role = _choice(_words(ROLE_CHOICES, {}), _("role"))
    return [one_role(token.strip()) for token in re.split(r"[,;，；、|]", raw) if token.strip()]


def _date(raw: str) -> date:
    cleaned = raw.replace("年", "-").replace("月", "-").replace("日", "").strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"):
        try:
            return datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise ValidationError(_("Enter a date like 2024-03-31."), code=ImportErrorCode.INVALID)


def _flag_duplicates(rows: list[Row], name: str) -> None:
    first_row: dict[str, int] = {}
    for row in rows:
        value = row.cells.get(name, "")
        if not value:
            continue
        if value.casefold() in first_row:
            row.error(
                name,
                _("“%(value)s” is also in row %(row)s.")
                % {"value": value, "row": first_row[value.casefold()]},
                ImportErrorCode.DUPLICATE_IN_FILE,
            )
        else:
            first_row[value.casefold()] = row.number


def _import(
    rows: list[Row], create: Callable[[Row], Any], prepare: Callable[[Row], None] | None = None
) -> ImportReport:
    """Create every clean row in its own savepoint; keep them only if no row failed.

    ``prepare`` runs just before a row is created, for values that may refer to
    rows created earlier in the same file.
    """
    imported = 0
    with transaction.atomic():
        for row in rows:
            if prepare is not None:
                prepare(row)
            if row.errors:
                continue
            try:
                with transaction.atomic():
                    create(row)
            except ValidationError as exc:
                row.add(exc)
                continue
            imported += 1
        errors = [error for row in rows for error in row.errors]
        if errors:
            transaction.set_rollback(True)
            return ImportReport(imported=0, errors=errors)
    return ImportReport(imported=imported)


def import_people(data: bytes, *, by) -> ImportReport:
    """Add everyone in the file through ``create_person``, or nobody."""
    ensure_can(by, FacilityPerm.MANAGE_PEOPLE)
    rows = read_rows(data, PEOPLE_COLUMNS)
    area, job_role = _by_code(Area, _("area")), _by_code(JobRole, _("job role"))
    language = _choice(
        _words(list(Person._meta.get_field("language").choices), LANGUAGE_WORDS), _("language")
    )
    people = {p.employee_no: p for p in Person.objects.select_related("user")}
    row_of = {row.cells.get("employee_no"): row.number for row in reversed(rows)}

    def prepare(row: Row) -> None:
        # A superior may be added a few rows earlier in this same file.
        row.take("superior", lambda raw: superior(raw, row.number))

    def superior(raw: str, number: int) -> Person:
        if raw in people:
            return people[raw]
        if raw in row_of and row_of[raw] < number:
            message = _("The superior %(no)s in row %(row)s could not be added.")
        elif raw in row_of:
            message = _("%(no)s is added in row %(row)s: list superiors before their reports.")
        else:
            message = _("No person with the employee number “%(no)s”.")
        raise ValidationError(
            message % {"no": raw, "row": row_of.get(raw)}, code=ImportErrorCode.NOT_FOUND
        )

    _flag_duplicates(rows, "employee_no")
    _flag_duplicates(rows, "email")
    for row in rows:
        for name in ("email", "full_name", "employee_no", "phone"):
            row.take(name)
        row.take("area", area)
        row.take("job_role", job_role)
        row.take("roles", _roles)
        row.take("language", language)

    def create(row: Row) -> None:
        person = create_person(by=by, **row.kwargs)
        people[person.employee_no] = person

    return _import(rows, create, prepare)


def import_equipment(data: bytes, *, by) -> ImportReport:
    """Add every piece of equipment in the file through ``create_equipment``, or none."""
    ensure_can(by, FacilityPerm.MANAGE_EQUIPMENT)
    rows = read_rows(data, EQUIPMENT_COLUMNS)
    area, kind = _by_code(Area, _("area")), _by_code(EquipmentType, _("equipment type"))
    status = _choice(_words(EquipmentStatus.choices, STATUS_WORDS), _("status"))
    _flag_duplicates(rows, "code")
    for row in rows:
        for name in ("code", "name", "manufacturer", "model_number", "serial_number"):
            row.take(name)
        row.take("rated_capacity")
        row.take("equipment_type", kind)
        row.take("area", area)
        row.take("status", status)
        row.take("manufactured_on", _date)
    return _import(rows, lambda row: create_equipment(by=by, **row.kwargs))


def sample_csv(kind: str, *, chinese: bool = False) -> bytes:
    """A header and an example row; UTF-8 with a BOM, which Excel needs to read Chinese."""
    columns = PEOPLE_COLUMNS if kind == "people" else EQUIPMENT_COLUMNS
    # This enterprise's own codes, so that the sample imports as it is ("-kind": workshops first).
    codes = {
        "area": Area.objects.order_by("-kind", "code").values_list("code", flat=True).first(),
        "job_role": JobRole.objects.order_by("code").values_list("code", flat=True).first(),
        "type": EquipmentType.objects.order_by("code").values_list("code", flat=True).first(),
    }
    header = ",".join(c.header_zh if chinese else c.header for c in columns)
    example = SAMPLE_ROWS[kind].format(**{k: v or "" for k, v in codes.items()})
    return codecs.BOM_UTF8 + f"{header}\r\n{example}\r\n".encode()
