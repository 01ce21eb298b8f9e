"""Everything an enterprise has, in one ZIP (导出全部数据): what goes in and where.

Inside the ZIP::

    README.txt                  what is inside, the enterprise, when (Chinese and English)
    hazards.xlsx                the hazard ledger (隐患台账), every hazard
    inspections.xlsx            every inspection and every answer (检查记录)
    risk-register.xlsx          the risk register (风险分级管控清单), the active points
    risk-register-retired.xlsx  the points taken out of use, when there are any
    files.xlsx                  every stored file: its place here, what it belongs to
    reports/monthly/…           the monthly reports as stored (PDF and XLSX)
    reports/major-hazards/<number>.pdf   each major hazard's report, drawn now
    photos/hazards/<number>/…   a hazard's photos (before and after) and signatures
    photos/inspections/<no.>/…  an inspection's photos (the answers sheet names them)
    files/…                     every other stored file, under its path in storage

Every file the tenant has in storage is in it once (the exports themselves excepted),
read with ``default_storage.open`` so S3 works as the disk does. The ZIP is written to
the file object the caller gives (a temporary file): photos are streamed through it,
never held in memory together. Photos, PDFs and videos are stored as they are
(they do not compress); workbooks and text are deflated.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO

from django.core.files.storage import Storage, default_storage
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.platform.storage import current_schema, sizes_of

EXPORTS_FOLDER = "exports"
# Already compressed: deflating them again costs time and saves nothing.
STORED_AS_IS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf", ".mp4", ".webm", ".zip"}
COPY_CHUNK = 1024 * 1024
# A cell starting with one of these is a formula to Excel: user text must not be one.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

Progress = Callable[[int, int], None]


@dataclass
class Placed:
    """A stored file's place in the ZIP and what it belongs to."""

    path: str
    belongs_to: str


@dataclass
class Contents:
    """What one export holds: counts for the README and the page."""

    hazards: int = 0
    inspections: int = 0
    answers: int = 0
    risk_points: int = 0
    retired_points: int = 0
    monthly_reports: int = 0
    major_reports: int = 0
    files: int = 0
    files_bytes: int = 0
    missing: list[str] = field(default_factory=list)
    steps: int = 0  # what progress counted: ledgers, reports, files


# --- The stored files ----------------------------------------------------------------


def stored_files(storage: Storage | None = None, prefix: str | None = None) -> list[str]:
    """Every key under the current tenant's prefix, sorted; the exports left out."""
    prefix = prefix or current_schema()
    skip = f"{prefix}/{EXPORTS_FOLDER}/"
    return sorted(key for key in sizes_of(prefix, storage) if not key.startswith(skip))


_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def _safe(part: str) -> str:
    """One path segment fit for any unzip tool (a hazard number, a code)."""
    return _UNSAFE.sub("_", part).strip("._") or "_"


def _ext(name: str) -> str:
    return posixpath.splitext(name)[1].lower()


def named_places() -> dict[str, Placed]:
    """Stored key → its place next to the ledgers, for the files rows point at:
    hazard photos and signatures under the hazard's number, inspection photos under
    the inspection's number, the monthly reports under reports/monthly/."""
    from safeloop.tenants.hazards.models import Acceptance, HazardPhoto, Rectification
    from safeloop.tenants.inspections.models import Answer
    from safeloop.tenants.reports.models import MonthlyReport

    places: dict[str, Placed] = {}

    def hazard_folder(number: str) -> str:
        return f"photos/hazards/{_safe(number)}"

    for photo in HazardPhoto.objects.select_related("hazard").only(
        "image", "stage", "hazard__number"
    ):
        name = photo.image.name
        places[name] = Placed(
            f"{hazard_folder(photo.hazard.number)}/{photo.stage}-{photo.pk}{_ext(name)}",
            f"{_('Hazard')} {photo.hazard.number} · {photo.get_stage_display()}",
        )
    signatures = [
        (Rectification.objects.exclude(signature=""), "rectification"),
        (Acceptance.objects.exclude(signature=""), "acceptance"),
    ]
    for rows, kind in signatures:
        for row in rows.select_related("hazard").only("signature", "hazard__number"):
            name = row.signature.name
            places[name] = Placed(
                f"{hazard_folder(row.hazard.number)}/signature-{kind}-{row.pk}{_ext(name)}",
                f"{_('Hazard')} {row.hazard.number} · {_('Signature')}",
            )
    answers = Answer.objects.exclude(photo="").select_related("item")
    for answer in answers.only("photo", "inspection_id", "item__order"):
        name = answer.photo.name
        places[name] = Placed(
            f"photos/inspections/{answer.inspection_id}/"
            f"item-{answer.item.order}-{answer.pk}{_ext(name)}",
            f"{_('Inspection no.')} {answer.inspection_id} · {_('No.')} {answer.item.order}",
        )
    for report in MonthlyReport.objects.all():
        for file in (report.pdf, report.xlsx):
            if file:
                places[file.name] = Placed(
                    f"reports/monthly/{posixpath.basename(file.name)}",
                    f"{_('Monthly report')} {report.month:%Y-%m}",
                )
    return places


def place_of(key: str, places: dict[str, Placed], prefix: str) -> Placed:
    if key in places:
        return places[key]
    return Placed(f"files/{key.removeprefix(prefix + '/')}", "")


# --- The ZIP ---------------------------------------------------------------------------


class _Zip:
    """A ZipFile whose entries carry the export's local time and the right compression."""

    def __init__(self, out: BinaryIO, now: datetime):
        self.zip = zipfile.ZipFile(out, "w", allowZip64=True)
        self.stamp = timezone.localtime(now).timetuple()[:6]
        self.paths: set[str] = set()

    def _info(self, path: str) -> zipfile.ZipInfo:
        if path in self.paths:  # never two entries of one name: unzip tools disagree
            stem, ext = posixpath.splitext(path)
            n = 2
            while f"{stem}-{n}{ext}" in self.paths:
                n += 1
            path = f"{stem}-{n}{ext}"
        self.paths.add(path)
        info = zipfile.ZipInfo(path, date_time=self.stamp)
        stored = _ext(path) in STORED_AS_IS
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def write(self, path: str, data: bytes) -> str:
        info = self._info(path)
        self.zip.writestr(info, data)
        return info.filename

    def copy(self, path: str, source: BinaryIO) -> tuple[str, int]:
        """Stream ``source`` into the ZIP; the name it got and its size."""
        info = self._info(path)
        with self.zip.open(info, "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target, COPY_CHUNK)
        return info.filename, info.file_size

    def close(self) -> None:
        self.zip.close()


def build_archive(
    out: BinaryIO,
    *,
    requested_by: str = "",
    now: datetime | None = None,
    progress: Progress | None = None,
    storage: Storage | None = None,
) -> Contents:
    """Write the current tenant's export ZIP into ``out``; what it holds.

    ``progress(done, total)`` is called after each step (a ledger, a report, a file).
    """
    from safeloop.tenants.hazards import export as hazard_export
    from safeloop.tenants.hazards.major_report import major_report_pdf
    from safeloop.tenants.hazards.models import Hazard, MajorCase
    from safeloop.tenants.inspections import export as inspection_export
    from safeloop.tenants.inspections.models import Answer, Inspection
    from safeloop.tenants.reports.models import MonthlyReport
    from safeloop.tenants.risks import export as risk_export
    from safeloop.tenants.risks.models import RiskPoint

    storage = storage or default_storage
    now = now or timezone.now()
    prefix = current_schema()
    report = progress or (lambda done, total: None)
    keys = stored_files(storage, prefix)
    places = named_places()
    cases = list(
        MajorCase.objects.select_related(
            "hazard__area__parent", "hazard__equipment", "hazard__library_entry"
        ).order_by("hazard__number")
    )
    retired = RiskPoint.objects.filter(is_active=False)
    contents = Contents(retired_points=retired.count())
    has_retired = contents.retired_points > 0
    total = contents.steps = 3 + has_retired + len(cases) + len(keys) + 2
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        report(done, total)

    archive = _Zip(out, now)
    try:
        hazards = Hazard.objects.all()
        contents.hazards = hazards.count()
        archive.write(
            "hazards.xlsx", hazard_export.write_xlsx(hazard_export.ledger_rows(hazards, now))
        )
        step()

        def photo_path(file) -> str:
            return place_of(file.name, places, prefix).path

        inspections = Inspection.objects.all()
        contents.inspections = inspections.count()
        contents.answers = Answer.objects.count()
        archive.write(
            "inspections.xlsx", inspection_export.records_xlsx(inspections, photo_path=photo_path)
        )
        step()

        contents.risk_points = RiskPoint.objects.count()
        archive.write(
            "risk-register.xlsx",
            risk_export.register_xlsx(RiskPoint.objects.filter(is_active=True)),
        )
        step()
        if has_retired:
            archive.write("risk-register-retired.xlsx", risk_export.register_xlsx(retired))
            step()

        for case in cases:
            pdf = major_report_pdf(case.hazard, case)
            archive.write(f"reports/major-hazards/{_safe(case.hazard.number)}.pdf", pdf)
            contents.major_reports += 1
            step()

        contents.monthly_reports = MonthlyReport.objects.count()
        index: list[tuple[str, str, str, int]] = []
        for key in keys:
            place = place_of(key, places, prefix)
            try:
                with storage.open(key, "rb") as source:
                    path, size = archive.copy(place.path, source)
            except FileNotFoundError:  # deleted while we listed: nothing to copy
                contents.missing.append(key)
            else:
                index.append((path, place.belongs_to, key.removeprefix(prefix + "/"), size))
                contents.files += 1
                contents.files_bytes += size
            step()

        archive.write("files.xlsx", _index_xlsx(index))
        step()
        archive.write("README.txt", readme(contents, requested_by=requested_by, now=now))
        step()
    finally:
        archive.close()
    return contents


def _clean(value: object) -> object:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _index_xlsx(rows: list[tuple[str, str, str, int]]) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("File index")[:31]
    sheet.append([_("Path in this ZIP"), _("Belongs to"), _("Stored as"), _("Size (bytes)")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (56, 40, 56, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    for row in rows:  # an uploaded file's name is user text: never a formula
        sheet.append([_clean(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def readme(contents: Contents, *, requested_by: str, now: datetime) -> bytes:
    """README.txt: always both languages, whoever asked (the ZIP outlives the page)."""
    tenant = getattr(connection, "tenant", None)
    name = getattr(tenant, "name", "") or connection.schema_name
    when = timezone.localtime(now)
    stamp = f"{when:%Y-%m-%d %H:%M} ({timezone.get_current_timezone_name()})"
    c = contents
    active = c.risk_points - c.retired_points
    lines = [
        f"SafeLoop — {name}",
        f"导出时间：{stamp}" + (f"　导出人：{requested_by}" if requested_by else ""),
        f"Exported: {stamp}" + (f" by {requested_by}" if requested_by else ""),
        "",
        "本压缩包包含本企业在 SafeLoop 中的全部数据：",
        f"  hazards.xlsx              隐患台账（{c.hazards} 条隐患）",
        f"  inspections.xlsx          检查记录（{c.inspections} 次检查，{c.answers} 条检查项结果）",
        f"  risk-register.xlsx        风险分级管控清单（{active} 个风险点）",
        *(
            [f"  risk-register-retired.xlsx  已停用的风险点（{c.retired_points} 个）"]
            if c.retired_points
            else []
        ),
        "  files.xlsx                文件索引：每个文件在压缩包中的位置及所属记录",
        f"  reports/monthly/          隐患闭环健康度月报（{c.monthly_reports} 期，PDF 和 XLSX）",
        f"  reports/major-hazards/    重大事故隐患报告（{c.major_reports} 份，按隐患编号命名）",
        "  photos/hazards/<隐患编号>/  隐患照片（整改前 report、整改后 rectification）及签名",
        "  photos/inspections/<检查编号>/  检查照片（检查记录表的“检查项”页列出每张照片）",
        "  files/                    其他文件（承包商资质、供应商附件、课程文件等），保持原路径",
        f"文件共 {c.files} 个，{_megabytes(c.files_bytes)}。",
        "",
        "This archive holds all of the enterprise's data in SafeLoop:",
        f"  hazards.xlsx              hazard ledger ({c.hazards} hazards)",
        f"  inspections.xlsx          inspection records ({c.inspections} inspections,"
        f" {c.answers} answers)",
        f"  risk-register.xlsx        risk register ({active} risk points)",
        *(
            [f"  risk-register-retired.xlsx  risk points taken out of use ({c.retired_points})"]
            if c.retired_points
            else []
        ),
        "  files.xlsx                index of the files: where each one is and what it belongs to",
        f"  reports/monthly/          monthly closed-loop reports (months: {c.monthly_reports};"
        " PDF and XLSX)",
        f"  reports/major-hazards/    major hazard reports ({c.major_reports}; by hazard number)",
        "  photos/hazards/<number>/  hazard photos (report: before, rectification: after)"
        " and signatures",
        "  photos/inspections/<no.>/ inspection photos (the Answers sheet of inspections.xlsx"
        " names each one)",
        "  files/                    every other file (contractor licences, supplier"
        " attachments, lesson files…) under its stored path",
        f"{c.files} files, {_megabytes(c.files_bytes)}.",
    ]
    if c.missing:
        lines += [
            "",
            f"以下 {len(c.missing)} 个文件在导出时已不存在 / "
            f"{len(c.missing)} files were gone when exported:",
            *(f"  {key}" for key in c.missing),
        ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"
