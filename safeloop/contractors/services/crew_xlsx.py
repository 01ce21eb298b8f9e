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

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from safeloop.access import ensure_can
from safeloop.contractors.models import (
    CertificateKind,
    ContractorCompany,
    ContractorWorker,
    Crew,
    WorkType,
)
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.services.companies import ensure_active
from safeloop.contractors.services.worker_sheet import (
    COLUMNS,
    MAX_ROWS,
    ImportErrorCode,
    RowProblem,
    WorkerListError,
    read_worker_list,
)
from safeloop.contractors.services.workers import (
    Consent,
    _check_consent,
    register,
    save_certificate,
)
from safeloop.contractors.xlsx import to_bytes, write_header
from safeloop.tenants.audit.services import record_event


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
    crews: list[Crew] | None = None,
    default_crew: Crew | None = None,
    may_update=None,
    today: date | None = None,
    **audit,
) -> ImportResult:
    """Register every worker of the sheet for ``company``, all or none, for a caller that
    has settled who may (a manager, or a crew lead for their own company: ``by`` is then
    None or the lead's user, and ``audit`` says who, as the gate's registration does).
    ``create_crews`` off: a crew the company lacks is a row problem. ``crews``: the only
    crews a row may name (a lead's own); ``default_crew`` takes the rows naming none;
    ``may_update`` is ``register``'s check of a worker registered before (it raises a
    field error, which becomes that row's problem)."""
    try:
        ensure_active(company)
    except ValidationError as exc:
        raise WorkerListError(_problems_of(exc, None)) from None
    problems: list[RowProblem] = []
    try:
        _check_consent(consent)
    except ValidationError as exc:
        problems = _problems_of(exc, None)
    # The rows are read even without consent: the importer sees everything to fix at once.
    try:
        rows = read_worker_list(file, company, today=today, create_crews=create_crews, crews=crews)
    except WorkerListError as exc:
        raise WorkerListError(problems + exc.problems) from None
    if problems:
        raise WorkerListError(problems)
    result = ImportResult()
    with transaction.atomic():
        allowed = Crew.objects.select_for_update().filter(company=company)
        if crews is not None:
            allowed = allowed.filter(pk__in=[c.pk for c in crews])
        by_name = {c.name: c for c in allowed}
        for row in rows:
            crew = by_name.get(row.crew) if row.crew else default_crew
            if row.crew and crew is None and (crews is not None or not create_crews):
                # Gone (or no longer the lead's) since the sheet was read.
                problems.append(
                    RowProblem(
                        row.number,
                        "crew",
                        _("the company has no crew named “%(crew)s”") % {"crew": row.crew},
                        ImportErrorCode.UNKNOWN_CREW,
                    )
                )
                continue
            if row.crew and crew is None:
                crew = by_name[row.crew] = Crew.objects.create(company=company, name=row.crew)
                record_event(
                    crew,
                    "contractors.crew_created",
                    by=by,
                    company=company.pk,
                    name=crew.name,
                    source="xlsx",
                    **audit,
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
                    may_update=may_update,
                    **audit,
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
            **audit,
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


def template_file(crews: list[str] | None = None) -> bytes:
    """An empty worker list with its headers (English in each header's comment), a text
    format for the ID numbers, a list of certificate types, and a sheet of notes.
    ``crews``: the only crews the importer may name (a crew lead's), offered as a list."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "人员名单"
    hints = {key: hint for key, hint, _width in TEMPLATE_COLUMNS}
    crew_note = ("本单位班组名称；不存在时自动新建", "A new name creates the crew.")
    if crews is not None:
        hints["crew"] = "One of your crews; empty: the crew chosen when uploading"
        crew_note = (
            "只能填写您带的班组：" + "、".join(crews) + "；留空则进入上传时选择的班组",
            "Only your crews; empty: the crew chosen when uploading.",
        )
    write_header(
        sheet, [(COLUMNS[key][0], hints[key], width) for key, _hint, width in TEMPLATE_COLUMNS]
    )
    for row in range(2, MAX_ROWS + 2):
        sheet.cell(row=row, column=2).number_format = "@"
        sheet.cell(row=row, column=3).number_format = "@"
    with translation.override("zh-hans"):
        kinds = [str(label) for label in CertificateKind.labels]
        work_types = "、".join(str(label) for label in WorkType.labels)
    kind_list = DataValidation(type="list", formula1='"' + ",".join(kinds) + '"', allow_blank=True)
    kind_list.add(f"F2:F{MAX_ROWS + 1}")
    sheet.add_data_validation(kind_list)
    listed = ",".join(crews or [])
    # Excel's in-cell lists hold 255 characters and no commas or quotes of their own.
    if crews and len(listed) <= 250 and not any("," in c or '"' in c for c in crews):
        crew_list = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
        crew_list.add(f"E2:E{MAX_ROWS + 1}")
        sheet.add_data_validation(crew_list)
    notes = workbook.create_sheet("填写说明 Notes")
    notes.append(["列 Column", "说明", "Notes"])
    for key, chinese, english in (
        ("name", "必填", "Required."),
        ("id_number", "必填，18 位居民身份证号；请保持文本格式", "Required; keep it as text."),
        ("phone", "手机号码", "Mobile number."),
        ("work_types", f"可填多个，用顿号或逗号分隔：{work_types}", "Several allowed."),
        ("crew", *crew_note),
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
