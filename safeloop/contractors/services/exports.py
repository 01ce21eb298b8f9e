"""A company's workers as an XLSX sheet, ID numbers masked unless asked and allowed.

Everyone who may see contractors (``contractors.view``) gets the masked ID
numbers the pages show (110***********1234), read from the stored masked column
without decrypting anything. The full numbers are for a person with
``contractors.manage`` who asks for them explicitly; that export is written to
the audit trail like a single reading (``unmasked_id``).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment

from safeloop.access import ensure_can
from safeloop.contractors import pii
from safeloop.contractors.models import ContractorCompany, ContractorWorker, SpecialCertificate
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.services.companies import expiry_label, expiry_status, local_today
from safeloop.contractors.xlsx import safe_text, to_bytes, write_header
from safeloop.tenants.audit.services import record_event


def _workers(company: ContractorCompany):
    return (
        ContractorWorker.objects.filter(company=company)
        .select_related("crew")
        .prefetch_related(
            Prefetch("certificates", SpecialCertificate.objects.order_by("valid_until", "id"))
        )
        .order_by("crew__name", "name", "id")
    )


def _certificate_text(cert: SpecialCertificate, number: str, today: date) -> str:
    status = expiry_label(expiry_status(cert.valid_until, today))
    return f"{cert.get_kind_display()} {number} {cert.valid_until:%Y-%m-%d} ({status})"


@transaction.atomic
def export_workers(
    company: ContractorCompany, *, by, full_id_numbers: bool = False, today: date | None = None
) -> bytes:
    """The company's workers (sheet 1) and their special operation certificates
    (sheet 2). ``full_id_numbers`` needs ``contractors.manage`` and is audited."""
    ensure_can(by, ContractorPerm.CONTRACTOR_VIEW)
    if full_id_numbers:
        ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    today = today or local_today()
    workers = list(_workers(company))

    def id_of(worker: ContractorWorker) -> str:
        return pii.decrypt(worker.id_number_token) if full_id_numbers else worker.id_number_masked

    def number_of(cert: SpecialCertificate) -> str:
        # A certificate's number usually holds its holder's ID number: masked alike.
        return cert.number if full_id_numbers else cert.number_shown

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Workers")[:31]
    write_header(
        sheet,
        [
            (pgettext("person", "Name"), "", 12),
            (_("ID number"), "", 22),
            (_("Phone"), "", 14),
            (_("Work types"), "", 22),
            (_("Crew"), "", 14),
            (_("Special operation certificates"), "", 60),
        ],
    )
    cards = workbook.create_sheet(_("Special operation certificates")[:31])
    write_header(
        cards,
        [
            (pgettext("person", "Name"), "", 12),
            (_("ID number"), "", 22),
            (_("Operation type"), "", 26),
            (_("Certificate number"), "", 20),
            (_("Issued by"), "", 22),
            (_("Valid until"), "", 12),
            (_("Status"), "", 12),
        ],
    )
    for worker in workers:
        shown_id = id_of(worker)
        certificates = list(worker.certificates.all())
        sheet.append(
            [
                safe_text(worker.name),
                shown_id,
                safe_text(worker.phone),
                "、".join(worker.work_type_labels()),
                safe_text(worker.crew.name if worker.crew else ""),
                safe_text(
                    "\n".join(_certificate_text(c, number_of(c), today) for c in certificates)
                ),
            ]
        )
        for cert in certificates:
            cards.append(
                [
                    safe_text(worker.name),
                    shown_id,
                    cert.get_kind_display(),
                    safe_text(number_of(cert)),
                    safe_text(cert.issuer),
                    cert.valid_until,
                    expiry_label(expiry_status(cert.valid_until, today)),
                ]
            )
    for column in ("B",):
        for cell in sheet[column][1:]:
            cell.number_format = "@"
        for cell in cards[column][1:]:
            cell.number_format = "@"
    for cell in cards["F"][1:]:
        cell.number_format = "yyyy-mm-dd"
    for cell in sheet["F"][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    record_event(
        company,
        "contractors.workers_exported",
        by=by,
        workers=len(workers),
        full_id_numbers=full_id_numbers,
    )
    return to_bytes(workbook)
