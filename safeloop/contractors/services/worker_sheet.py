"""Reading a company's worker list (花名册) from an XLSX sheet: the columns, the names
people give work types and certificates, and every problem of every row at once.

No writes here: ``crew_xlsx`` saves what this reads, all or nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from safeloop.contractors import pii
from safeloop.contractors.models import CertificateKind, ContractorCompany, Crew, WorkType
from safeloop.contractors.services.companies import (
    ContractorErrorCode,
    clean_text,
    local_today,
)
from safeloop.contractors.services.workers import id_number
from safeloop.contractors.xlsx import cell_text, header_map, norm, open_workbook

MAX_ROWS = 1000
MAX_BYTES = 2 * 1024 * 1024
# Wider rows than this are not a worker list (and would only cost memory to read).
MAX_COLUMNS = 40

# Column key -> (Chinese header, English header, other headers accepted).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name", "工人姓名"),
    "id_number": ("身份证号", "ID number", "身份证号码", "身份证", "idno"),
    "phone": ("手机号", "phone", "手机", "手机号码", "电话", "联系电话", "mobile"),
    "work_types": ("工种", "work types", "worktype"),
    "crew": ("班组", "crew", "班组名称"),
    "cert_kind": ("特种作业类型", "certificate type", "作业类别", "特种作业类别", "操作项目"),
    "cert_number": ("证号", "certificate number", "证书编号", "操作证号", "特种作业操作证号"),
    "cert_issuer": ("发证机关", "issued by", "issuer"),
    "cert_valid_until": ("有效期至", "valid until", "有效期", "有效期限", "到期日期"),
}
CERT_KEYS = ("cert_kind", "cert_number", "cert_issuer", "cert_valid_until")
LABELS: dict[str, Promise] = {
    "name": pgettext_lazy("worker", "name"),
    "id_number": gettext_lazy("ID number"),
    "phone": gettext_lazy("phone"),
    "work_types": gettext_lazy("work types"),
    "crew": gettext_lazy("crew"),
    "cert_kind": gettext_lazy("operation type"),
    "cert_number": gettext_lazy("certificate number"),
    "cert_issuer": gettext_lazy("issued by"),
    "cert_valid_until": gettext_lazy("valid until"),
    "consent": gettext_lazy("consent"),
    "file": gettext_lazy("file"),
    "company": gettext_lazy("company"),
}
# Names people write for a work type or a certificate besides the labels and codes.
WORK_TYPE_ALIASES = {
    "普通工": WorkType.GENERAL,
    "杂工": WorkType.GENERAL,
    "电焊工": WorkType.WELDER,
    "气焊工": WorkType.WELDER,
    "焊接": WorkType.WELDER,
    "高处": WorkType.WORK_AT_HEIGHT,
    "登高": WorkType.WORK_AT_HEIGHT,
    "高空作业": WorkType.WORK_AT_HEIGHT,
    "起重工": WorkType.CRANE,
    "司索工": WorkType.CRANE,
    "吊装": WorkType.CRANE,
    "有限空间": WorkType.CONFINED_SPACE,
    "检修": WorkType.MAINTENANCE,
    "维修工": WorkType.MAINTENANCE,
}
CERT_ALIASES = {
    "电工": CertificateKind.ELECTRICAL,
    "电工证": CertificateKind.ELECTRICAL,
    "焊工": CertificateKind.WELDING,
    "焊工证": CertificateKind.WELDING,
    "电焊": CertificateKind.WELDING,
    "焊接": CertificateKind.WELDING,
    "登高": CertificateKind.HEIGHT,
    "登高证": CertificateKind.HEIGHT,
    "高处": CertificateKind.HEIGHT,
    "制冷": CertificateKind.REFRIGERATION,
    "危化": CertificateKind.HAZARDOUS_CHEMICALS,
    "危险化学品": CertificateKind.HAZARDOUS_CHEMICALS,
    "冶金": CertificateKind.METALLURGY,
    "矿山": CertificateKind.MINE,
}
_SEPARATORS = re.compile(r"[,，、;；/／|\s]+")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


class ImportErrorCode:
    TOO_LARGE = "too_large"
    TOO_MANY_ROWS = "too_many_rows"
    INVALID_FILE = "invalid_file"
    INVALID_HEADER = "invalid_header"
    EMPTY = "empty"
    DUPLICATE = "duplicate"
    UNKNOWN_WORK_TYPE = "unknown_work_type"
    UNKNOWN_CREW = "unknown_crew"
    NUMBER_CELL = "number_cell"


@dataclass(frozen=True)
class RowProblem:
    """What is wrong in one cell of the sheet (``row`` None: the file as a whole)."""

    row: int | None
    field: str
    message: str
    code: str

    @property
    def column(self) -> str:
        return str(LABELS.get(self.field, self.field))

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)d, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class WorkerListError(ValidationError):
    """The sheet was refused; ``problems`` names every bad row and column."""

    def __init__(self, problems: list[RowProblem]):
        self.problems = problems
        super().__init__([ValidationError(str(p), code=p.code) for p in problems])


@dataclass(frozen=True)
class Certificate:
    kind: str
    number: str
    issuer: str
    valid_until: date


@dataclass(frozen=True)
class SheetRow:
    number: int
    name: str
    id_number: pii.IdNumber
    phone: str
    work_types: list[str]
    crew: str
    certificate: Certificate | None


def _choices_by_word(choices: type, aliases: dict[str, str]) -> dict[str, str]:
    """Every way of naming a choice: code, English and Chinese label, the Chinese in an
    English label's brackets, and the common aliases."""
    words = {norm(alias): value for alias, value in aliases.items()}
    for value, label in choices.choices:
        words[norm(value)] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                text = str(label)
            words[norm(text)] = value
            inner = re.search(r"[(（](.+)[)）]\s*$", text)
            if inner:
                words[norm(inner.group(1))] = value
                words[norm(text[: inner.start()])] = value
    return words


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


class _RowReader:
    """Checks one row at a time, collecting every problem instead of stopping at one."""

    def __init__(self, company: ContractorCompany, *, today: date, create_crews: bool, crews=None):
        self.today = today
        # Given crews: the only ones a row may name (a crew lead's own), none created.
        self.only_crews = crews is not None
        self.create_crews = create_crews and not self.only_crews
        if crews is None:
            crews = Crew.objects.filter(company=company)
        self.crews = {c.name: c for c in crews}
        self.work_types = _choices_by_word(WorkType, WORK_TYPE_ALIASES)
        self.cert_kinds = _choices_by_word(CertificateKind, CERT_ALIASES)
        self.seen: dict[str, int] = {}
        self.problems: list[RowProblem] = []

    def _problem(self, row: int, key: str, message: str, code: str) -> None:
        self.problems.append(RowProblem(row, key, message, code))

    def _text(self, row: int, key: str, value, max_length: int, required: bool = False) -> str:
        try:
            return clean_text(cell_text(value), key, max_length=max_length, required=required)
        except ValidationError as exc:
            self._problem(row, key, exc.messages[0], exc.error_dict[key][0].code)
            return ""

    def _id_number(self, row: int, value) -> pii.IdNumber | None:
        if isinstance(value, float):
            # Excel keeps 15 significant digits of a number: the last three are gone.
            self._problem(
                row,
                "id_number",
                _(
                    "the ID number was saved as a number and has lost its last digits: "
                    "format the column as text and type it again"
                ),
                ImportErrorCode.NUMBER_CELL,
            )
            return None
        try:
            number = id_number(cell_text(value))
        except ValidationError as exc:
            self._problem(row, "id_number", exc.messages[0], exc.error_dict["id_number"][0].code)
            return None
        key = pii.keyed_hash(number.value)
        if key in self.seen:
            self._problem(
                row,
                "id_number",
                _("the same ID number (%(masked)s) as row %(first)d")
                % {"masked": number.masked, "first": self.seen[key]},
                ImportErrorCode.DUPLICATE,
            )
            return None
        self.seen[key] = row
        return number

    def _work_types(self, row: int, value) -> list[str]:
        found, unknown = [], []
        for word in _SEPARATORS.split(cell_text(value)):
            if not word:
                continue
            code = self.work_types.get(norm(word))
            if code is None:
                unknown.append(word)
            elif code not in found:
                found.append(code)
        if unknown:
            self._problem(
                row,
                "work_types",
                _("unknown work type %(words)s; use %(known)s")
                % {
                    "words": "、".join(f"“{w}”" for w in unknown),
                    "known": "、".join(str(label) for label in WorkType.labels),
                },
                ImportErrorCode.UNKNOWN_WORK_TYPE,
            )
        return found

    def _crew(self, row: int, value) -> str:
        name = self._text(row, "crew", value, 60)
        if name and name not in self.crews and self.only_crews:
            self._problem(
                row,
                "crew",
                _("“%(crew)s” is not a crew of yours; leave it empty or write %(crews)s")
                % {"crew": name, "crews": "、".join(f"“{c}”" for c in sorted(self.crews))},
                ImportErrorCode.UNKNOWN_CREW,
            )
        elif name and name not in self.crews and not self.create_crews:
            self._problem(
                row,
                "crew",
                _("the company has no crew named “%(crew)s”") % {"crew": name},
                ImportErrorCode.UNKNOWN_CREW,
            )
        return name

    def _certificate(self, row: int, get) -> Certificate | None:
        if not any(cell_text(get(key)) for key in CERT_KEYS):
            return None
        before = len(self.problems)
        kind = self.cert_kinds.get(norm(cell_text(get("cert_kind"))))
        if kind is None:
            self._problem(
                row,
                "cert_kind",
                _("choose the type of special operation: %(known)s")
                % {"known": "、".join(str(label) for label in CertificateKind.labels)},
                ContractorErrorCode.INVALID,
            )
        number = self._text(row, "cert_number", get("cert_number"), 40, required=True)
        issuer = self._text(row, "cert_issuer", get("cert_issuer"), 120, required=True)
        valid_until = _date(get("cert_valid_until"))
        if valid_until is None:
            self._problem(
                row,
                "cert_valid_until",
                _("enter the date the certificate is valid until, as 2027-06-30"),
                ContractorErrorCode.REQUIRED,
            )
        elif valid_until < self.today:
            self._problem(
                row,
                "cert_valid_until",
                _("the certificate expired on %(date)s") % {"date": valid_until.isoformat()},
                ContractorErrorCode.EXPIRED,
            )
        if len(self.problems) > before:
            return None
        return Certificate(kind, number, issuer, valid_until)

    def read(self, number: int, get) -> SheetRow | None:
        before = len(self.problems)
        name = self._text(number, "name", get("name"), 60, required=True)
        id_value = self._id_number(number, get("id_number"))
        phone = self._text(number, "phone", get("phone"), 30)
        work_types = self._work_types(number, get("work_types"))
        crew = self._crew(number, get("crew"))
        certificate = self._certificate(number, get)
        if len(self.problems) > before:
            return None
        return SheetRow(number, name, id_value, phone, work_types, crew, certificate)


def _is_header(values, columns: dict[str, int]) -> bool:
    """A second header row (English under Chinese) is skipped, not read as a worker."""
    english = {norm(headers[1]) for headers in COLUMNS.values()}
    return norm(cell_text(values[columns["name"]])) in english


def read_worker_list(
    file,
    company: ContractorCompany,
    *,
    today: date | None = None,
    create_crews: bool = True,
    crews: list[Crew] | None = None,
) -> list[SheetRow]:
    """The sheet's rows, checked; ``WorkerListError`` naming every bad row. ``crews``:
    the only crews a row may name (none is created then); None: any of the company's."""
    try:
        workbook = open_workbook(file, max_bytes=MAX_BYTES)
    except ValidationError as exc:
        raise WorkerListError([RowProblem(None, "file", exc.messages[0], exc.code)]) from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS)
        columns = header_map(next(rows, None) or (), COLUMNS)
        lacking = [COLUMNS[key][0] for key in ("name", "id_number") if key not in columns]
        if lacking:
            raise WorkerListError(
                [
                    RowProblem(
                        None,
                        "file",
                        _(
                            "Row 1 lacks the columns %(cols)s. Download the template and "
                            "keep its headers."
                        )
                        % {"cols": "、".join(lacking)},
                        ImportErrorCode.INVALID_HEADER,
                    )
                ]
            )
        reader = _RowReader(
            company, today=today or local_today(), create_crews=create_crews, crews=crews
        )
        parsed: list[SheetRow] = []
        count = 0
        for number, values in enumerate(rows, start=2):
            if not any(cell_text(v) for v in values):
                continue  # blank rows between blocks are common
            if number == 2 and _is_header(values, columns):
                continue
            count += 1
            if count > MAX_ROWS:
                raise WorkerListError(
                    [
                        RowProblem(
                            None,
                            "file",
                            _(
                                "The file lists more than %(n)d workers. Split it into "
                                "several files."
                            )
                            % {"n": MAX_ROWS},
                            ImportErrorCode.TOO_MANY_ROWS,
                        )
                    ]
                )

            def get(key: str, values=values):
                index = columns.get(key)
                return values[index] if index is not None and index < len(values) else None

            row = reader.read(number, get)
            if row is not None:
                parsed.append(row)
    finally:
        workbook.close()
    if reader.problems:
        raise WorkerListError(reader.problems)
    if not parsed:
        raise WorkerListError(
            [RowProblem(None, "file", _("The file lists no workers."), ImportErrorCode.EMPTY)]
        )
    return parsed
