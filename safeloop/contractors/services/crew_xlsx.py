"""A company's worker list (花名册) from an XLSX sheet: the template, and the import.

One worker per row: 姓名, 身份证号, 手机号, 工种 (labels or codes, separated by
commas or 、), 班组 (a crew of the company; created when new), and optionally one
special operation certificate: 特种作业类型, 证号, 发证机关, 有效期至. English
headers (name, ID number, phone, work types, crew, certificate type, certificate
number, issued by, valid until) work too.

All or nothing: every bad row is named with its row number and column (an
impossible ID number, a missing name, an unknown work type, an expired
certificate, an ID number twice in the file), and then nothing is saved. Each
row goes through the same ``register`` as a manager's form, so an ID number
registered before updates that worker instead of adding a second one, and the
consent the importer confirms for the workers is recorded for each of them.

``import_workers`` is the manager's (``contractors.manage``); ``import_worker_list``
does the work for any caller that has settled who may import for the company
(the crew leads' portal, for their own company).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from safeloop.access import ensure_can
from safeloop.contractors import pii
from safeloop.contractors.models import (
    CertificateKind,
    ContractorCompany,
    ContractorWorker,
    Crew,
    WorkType,
)
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.services.companies import (
    ContractorErrorCode,
    clean_text,
    ensure_active,
    local_today,
)
from safeloop.contractors.services.workers import (
    Consent,
    _check_consent,
    id_number,
    register,
    save_certificate,
)
from safeloop.contractors.xlsx import (
    cell_text,
    header_map,
    norm,
    open_workbook,
    to_bytes,
    write_header,
)
from safeloop.tenants.audit.services import record_event

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
class _Row:
    number: int
    name: str
    id_number: pii.IdNumber
    phone: str
    work_types: list[str]
    crew: str
    certificate: Certificate | None


@dataclass(frozen=True)
class ImportedRow:
    row: int
    worker: ContractorWorker
    # False: the ID number was registered before and that worker was updated.
    added: bool


@dataclass
class ImportResult:
    rows: list[ImportedRow] = field(default_factory=list)
    crews_created: list[str] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(1 for row in self.rows if row.added)

    @property
    def updated(self) -> int:
        return sum(1 for row in self.rows if not row.added)


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

    def __init__(self, company: ContractorCompany, *, today: date, create_crews: bool):
        self.today = today
        self.create_crews = create_crews
        self.crews = {c.name: c for c in Crew.objects.filter(company=company)}
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
        if name and name not in self.crews and not self.create_crews:
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

    def read(self, number: int, get) -> _Row | None:
        before = len(self.problems)
        name = self._text(number, "name", get("name"), 60, required=True)
        id_value = self._id_number(number, get("id_number"))
        phone = self._text(number, "phone", get("phone"), 30)
        work_types = self._work_types(number, get("work_types"))
        crew = self._crew(number, get("crew"))
        certificate = self._certificate(number, get)
        if len(self.problems) > before:
            return None
        return _Row(number, name, id_value, phone, work_types, crew, certificate)


def _is_header(values, columns: dict[str, int]) -> bool:
    """A second header row (English under Chinese) is skipped, not read as a worker."""
    english = {norm(headers[1]) for headers in COLUMNS.values()}
    return norm(cell_text(values[columns["name"]])) in english


def read_worker_list(
    file, company: ContractorCompany, *, today: date | None = None, create_crews: bool = True
) -> list[_Row]:
    """The sheet's rows, checked; ``WorkerListError`` naming every bad row."""
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
        reader = _RowReader(company, today=today or local_today(), create_crews=create_crews)
        parsed: list[_Row] = []
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


def _problems_of(exc: ValidationError, row: int | None) -> list[RowProblem]:
    """A service's refusal of one row, as problems of that row."""
    if not hasattr(exc, "error_dict"):
        return [RowProblem(row, "file", m, exc.code or "invalid") for m in exc.messages]
    column = {"number": "cert_number", "issuer": "cert_issuer", "kind": "cert_kind"}
    column["valid_until"] = "cert_valid_until"
    return [
        RowProblem(row, column.get(key, key), error.messages[0], error.code or "invalid")
        for key, errors in exc.error_dict.items()
        for error in errors
    ]


def import_workers(
    company: ContractorCompany, file, *, by, consent: Consent | None, today: date | None = None
) -> ImportResult:
    """A manager's import of ``company``'s worker list (see the module doc)."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    return import_worker_list(company, file, by=by, consent=consent, today=today)


def import_worker_list(
    company: ContractorCompany,
    file,
    *,
    by,
    consent: Consent | None,
    create_crews: bool = True,
    today: date | None = None,
) -> ImportResult:
    """Register every worker of the sheet for ``company``, all or none, for a caller that
    has settled who may (a manager, or a crew lead for their own company).
    ``create_crews`` off: a crew the company lacks is a row problem."""
    try:
        ensure_active(company)
        _check_consent(consent)
    except ValidationError as exc:
        raise WorkerListError(_problems_of(exc, None)) from None
    rows = read_worker_list(file, company, today=today, create_crews=create_crews)
    result = ImportResult()
    problems: list[RowProblem] = []
    with transaction.atomic():
        crews = {c.name: c for c in Crew.objects.select_for_update().filter(company=company)}
        for row in rows:
            crew = crews.get(row.crew) if row.crew else None
            if row.crew and crew is None:
                crew = crews[row.crew] = Crew.objects.create(company=company, name=row.crew)
                record_event(
                    crew,
                    "contractors.crew_created",
                    by=by,
                    company=company.pk,
                    name=crew.name,
                    source="xlsx",
                )
                result.crews_created.append(crew.name)
            try:
                registration = register(
                    company,
                    by,
                    row.name,
                    row.id_number.value,
                    consent,
                    row.phone,
                    row.work_types,
                    crew,
                    None,
                    source="xlsx",
                    row=row.number,
                )
                if row.certificate is not None:
                    cert = row.certificate
                    save_certificate(
                        registration.worker,
                        by,
                        cert.kind,
                        cert.number,
                        cert.issuer,
                        cert.valid_until,
                        today=today,
                    )
            except ValidationError as exc:
                problems.extend(_problems_of(exc, row.number))
                continue
            result.rows.append(ImportedRow(row.number, registration.worker, registration.created))
        if problems:
            # Raised inside the transaction: every row saved so far is rolled back.
            raise WorkerListError(problems)
        record_event(
            company,
            "contractors.workers_imported",
            by=by,
            added=result.added,
            updated=result.updated,
            crews_created=result.crews_created,
            filename=getattr(file, "name", ""),
        )
    return result


# --- The template ------------------------------------------------------------------

TEMPLATE_COLUMNS = [
    ("name", "Name (required)", 12),
    ("id_number", "ID number, 18 characters (required). Keep this column as text.", 22),
    ("phone", "Mobile phone", 14),
    ("work_types", "Work types, separated by 、or commas: 焊工、电工", 22),
    ("crew", "Crew name; a new name creates the crew", 14),
    ("cert_kind", "Certificate type (special operation), optional", 22),
    ("cert_number", "Certificate number", 20),
    ("cert_issuer", "Issued by", 22),
    ("cert_valid_until", "Valid until, e.g. 2027-06-30", 14),
]


def template_file() -> bytes:
    """An empty worker list with its headers (English in each header's comment), a text
    format for the ID numbers, a list of certificate types, and a sheet of notes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人员名单"
    write_header(sheet, [(COLUMNS[key][0], hint, width) for key, hint, width in TEMPLATE_COLUMNS])
    for row in range(2, MAX_ROWS + 2):
        sheet.cell(row=row, column=2).number_format = "@"
        sheet.cell(row=row, column=3).number_format = "@"
    with translation.override("zh-hans"):
        kinds = [str(label) for label in CertificateKind.labels]
        work_types = "、".join(str(label) for label in WorkType.labels)
    kind_list = DataValidation(type="list", formula1='"' + ",".join(kinds) + '"', allow_blank=True)
    kind_list.add(f"F2:F{MAX_ROWS + 1}")
    sheet.add_data_validation(kind_list)
    notes = workbook.create_sheet("填写说明 Notes")
    notes.append(["列 Column", "说明", "Notes"])
    for key, chinese, english in (
        ("name", "必填", "Required."),
        ("id_number", "必填，18 位居民身份证号；请保持文本格式", "Required; keep it as text."),
        ("phone", "手机号码", "Mobile number."),
        ("work_types", f"可填多个，用顿号或逗号分隔：{work_types}", "Several allowed."),
        ("crew", "本单位班组名称；不存在时自动新建", "A new name creates the crew."),
        ("cert_kind", "选填；填写证书时四列都要填：" + "、".join(kinds), "All four or none."),
        ("cert_number", "特种作业操作证编号", "Certificate number."),
        ("cert_issuer", "发证机关", "Issuing authority."),
        ("cert_valid_until", "如 2027-06-30；已过期的证书不能导入", "Expired ones are refused."),
    ):
        notes.append([f"{COLUMNS[key][0]} {COLUMNS[key][1]}", chinese, english])
    notes.append([])
    notes.append(
        [
            "",
            f"每个文件最多 {MAX_ROWS} 人、2 MB；有错误的行会逐行列出，全部改正后才会导入。",
            f"At most {MAX_ROWS} workers and 2 MB per file; nothing is saved until every row "
            "is right.",
        ]
    )
    notes.column_dimensions["A"].width = 32
    notes.column_dimensions["B"].width = 60
    notes.column_dimensions["C"].width = 48
    return to_bytes(workbook)
