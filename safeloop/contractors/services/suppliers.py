"""Suppliers and their monthly safety self-inspection reports (供应商安全自查).

The enterprise (``contractors.manage``) registers suppliers, sets the checklist and
reviews reports. A supplier has no account yet: the page it uses is reached through
a signed link that names exactly one supplier of one enterprise (:func:`supplier_link`),
and the services it calls take that supplier as the actor and refuse any other
supplier's report. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from safeloop.access import ensure_can
from safeloop.contractors.models import (
    FormItem,
    ItemResult,
    ReportAttachment,
    ReportItem,
    ReportStatus,
    SelfInspectionForm,
    SelfInspectionReport,
    Supplier,
)
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.services.companies import clean_text, local_today
from safeloop.contractors.uploads import checked_scan
from safeloop.contractors.validators import clean_credit_code
from safeloop.platform.errors import field_error
from safeloop.platform.limits import ensure_storage_room
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.photos import photo_files_kept_on_success, store_photo

LINK_SALT = "safeloop.contractors.supplier-link"
LINK_MAX_AGE_DAYS = 40
MAX_ITEMS = 100
MAX_FILES_PER_ITEM = 10


class SupplierErrorCode:
    REQUIRED = "required"
    TAKEN = "taken"
    INVALID = "invalid"
    NO_FORM = "no_form"
    INACTIVE = "inactive"
    INCOMPLETE = "incomplete"
    NOT_EDITABLE = "not_editable"
    ALREADY_ACCEPTED = "already_accepted"
    ALREADY_SUBMITTED = "already_submitted"
    NOT_SUBMITTED = "not_submitted"
    COMMENT_REQUIRED = "comment_required"
    WRONG_ITEM = "wrong_item"
    TOO_MANY_FILES = "too_many_files"


class MonthStatus:
    """A supplier's standing for a month, as the suppliers list shows it."""

    NOT_SUBMITTED = "not_submitted"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    OVERDUE = "overdue"


def month_status_label(status: str) -> str:
    context = "self-inspection report"
    return {
        MonthStatus.NOT_SUBMITTED: pgettext(context, "Not submitted"),
        MonthStatus.SUBMITTED: pgettext(context, "Submitted"),
        MonthStatus.RETURNED: pgettext(context, "Returned"),
        MonthStatus.ACCEPTED: pgettext(context, "Accepted"),
        MonthStatus.OVERDUE: pgettext(context, "Overdue"),
    }[status]


def month_of(day: date) -> date:
    return day.replace(day=1)


# --- Suppliers ---------------------------------------------------------------------


def _supplier_code(value: str, *, supplier: Supplier | None) -> str:
    try:
        code = clean_credit_code(value)
    except ValidationError as exc:
        raise field_error("credit_code", exc.messages[0], exc.code) from None
    taken = Supplier.objects.filter(credit_code=code)
    if supplier is not None:
        taken = taken.exclude(pk=supplier.pk)
    if taken.exists():
        raise field_error(
            "credit_code",
            _("A supplier with this unified social credit code is already registered."),
            SupplierErrorCode.TAKEN,
        )
    return code


@transaction.atomic
def create_supplier(
    *, by, name: str, credit_code: str, contact_name: str = "", phone: str = ""
) -> Supplier:
    """Register a supplier under its (checked) unified social credit code."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    supplier = Supplier.objects.create(
        name=clean_text(name, "name", max_length=120),
        credit_code=_supplier_code(credit_code, supplier=None),
        contact_name=clean_text(contact_name, "contact_name", max_length=60, required=False),
        phone=clean_text(phone, "phone", max_length=30, required=False),
    )
    record_event(
        supplier,
        "contractors.supplier_created",
        by=by,
        name=supplier.name,
        credit_code=supplier.credit_code,
    )
    return supplier


@transaction.atomic
def set_supplier_active(supplier: Supplier, *, by, active: bool) -> Supplier:
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if supplier.active != active:
        supplier.active = active
        supplier.save(update_fields=["active"])
        record_event(supplier, "contractors.supplier_active_set", by=by, active=active)
    return supplier


# --- The checklist -----------------------------------------------------------------


def active_form() -> SelfInspectionForm | None:
    return SelfInspectionForm.objects.filter(active=True).prefetch_related("items").first()


@transaction.atomic
def set_form(*, by, title: str, items: Sequence[str], due_day: int = 25) -> SelfInspectionForm:
    """Make a new checklist the only active one; reports already opened keep theirs."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    title = clean_text(title, "title", max_length=120)
    texts = [" ".join(text.split()) for text in items]
    texts = [text for text in texts if text]
    if not texts:
        raise field_error(
            "items", _("Add at least one checklist item."), SupplierErrorCode.REQUIRED
        )
    if len(texts) > MAX_ITEMS:
        raise field_error(
            "items",
            _("At most %(n)d checklist items.") % {"n": MAX_ITEMS},
            SupplierErrorCode.INVALID,
        )
    for text in texts:
        if len(text) > 300:
            raise field_error(
                "items",
                _("A checklist item may have at most %(n)d characters.") % {"n": 300},
                SupplierErrorCode.INVALID,
            )
    if not 1 <= int(due_day) <= 28:
        raise field_error("due_day", _("Choose a day from 1 to 28."), SupplierErrorCode.INVALID)
    # Lock the active row so two managers saving at once don't leave two active forms.
    list(SelfInspectionForm.objects.select_for_update().filter(active=True))
    SelfInspectionForm.objects.filter(active=True).update(active=False)
    form = SelfInspectionForm.objects.create(title=title, due_day=due_day, created_by=by)
    FormItem.objects.bulk_create(
        FormItem(form=form, position=n, text=text) for n, text in enumerate(texts, start=1)
    )
    record_event(form, "contractors.selfinspection_form_set", by=by, title=title, items=texts)
    return form


# --- The supplier's link -----------------------------------------------------------


def supplier_link_token(supplier: Supplier) -> str:
    """A token naming this supplier of this enterprise; good for 40 days."""
    return signing.dumps({"s": supplier.pk, "t": connection.schema_name}, salt=LINK_SALT)


def supplier_from_token(token: str) -> Supplier | None:
    """The active supplier the token names, or ``None`` when it is forged, expired,
    another enterprise's or the supplier was deactivated."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE_DAYS * 86400)
        pk, schema = int(data["s"]), str(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if schema != connection.schema_name:
        return None
    return Supplier.objects.filter(pk=pk, active=True).first()


# --- Reports -----------------------------------------------------------------------


def _ensure_own(report: SelfInspectionReport, supplier: Supplier) -> None:
    if report.supplier_id != supplier.pk:
        raise PermissionDenied(_("You do not have permission to do this."))


@transaction.atomic
def open_report(supplier: Supplier, *, today: date | None = None) -> SelfInspectionReport:
    """This month's report of ``supplier``, opened (as a draft on the active checklist)
    when it has none yet."""
    period = month_of(today or local_today())
    report = SelfInspectionReport.objects.filter(supplier=supplier, period=period).first()
    if report is not None:
        return report
    if not Supplier.objects.filter(pk=supplier.pk, active=True).exists():
        raise field_error(
            "supplier", _("This supplier is no longer active."), SupplierErrorCode.INACTIVE
        )
    form = active_form()
    if form is None:
        raise field_error(
            "form",
            _("The enterprise has not set a self-inspection form yet."),
            SupplierErrorCode.NO_FORM,
        )
    # Two first visits at once: the unique (supplier, period) lets one of them in.
    Supplier.objects.select_for_update().get(pk=supplier.pk)
    report = SelfInspectionReport.objects.filter(supplier=supplier, period=period).first()
    if report is not None:
        return report
    report = SelfInspectionReport.objects.create(
        supplier=supplier, form=form, period=period, due_on=period.replace(day=form.due_day)
    )
    ReportItem.objects.bulk_create(
        ReportItem(report=report, item=item) for item in form.items.all()
    )
    record_event(
        report,
        "contractors.selfinspection_opened",
        supplier=supplier.pk,
        period=period,
        form=form.pk,
    )
    return report


@dataclass(frozen=True)
class Answer:
    """The supplier's answer to one checklist item, with the files to add."""

    item: int  # the FormItem's id
    result: str
    comment: str = ""
    files: Sequence = field(default_factory=tuple)


def _checked_attachment(upload, field_name: str):
    try:
        return checked_scan(upload, field=field_name)
    except ValidationError as exc:
        code = exc.error_dict[field_name][0].code
        if code != "invalid_scan":
            raise
        raise field_error(
            field_name, _("Attach a PDF or a picture (JPEG, PNG, WebP)."), code
        ) from None


def save_answers(
    report: SelfInspectionReport, *, supplier: Supplier, answers: Iterable[Answer]
) -> SelfInspectionReport:
    """Save the supplier's answers (a draft or a returned report only)."""
    with photo_files_kept_on_success():
        return _save_answers(report, supplier, list(answers))


@transaction.atomic
def _save_answers(report, supplier, answers: list[Answer]) -> SelfInspectionReport:
    _ensure_own(report, supplier)
    report = SelfInspectionReport.objects.select_for_update().get(pk=report.pk)
    if report.status not in (ReportStatus.DRAFT, ReportStatus.RETURNED):
        raise field_error(
            "status",
            _("This report was submitted and can no longer be changed."),
            SupplierErrorCode.NOT_EDITABLE,
        )
    rows = {row.item_id: row for row in report.answers.select_for_update()}
    changed: list[dict] = []
    for answer in answers:
        row = rows.get(answer.item)
        name = f"item-{answer.item}"
        if row is None:
            raise field_error(
                name, _("This item is not on the report's checklist."), SupplierErrorCode.WRONG_ITEM
            )
        if answer.result and answer.result not in ItemResult.values:
            raise field_error(name, _("Choose a result."), SupplierErrorCode.INVALID)
        comment = clean_text(answer.comment, name, max_length=500, required=False)
        files = [f for f in answer.files if f]
        if row.attachments.count() + len(files) > MAX_FILES_PER_ITEM:
            raise field_error(
                name,
                _("At most %(n)d files per item.") % {"n": MAX_FILES_PER_ITEM},
                SupplierErrorCode.TOO_MANY_FILES,
            )
        if (row.result, row.comment) != (answer.result, comment):
            row.result, row.comment = answer.result, comment
            row.save(update_fields=["result", "comment"])
        else:
            if not files:
                continue
        stored = []
        checked = [_checked_attachment(upload, name) for upload in files]
        ensure_storage_room(sum(len(content) for content, _suffix in checked), field=name)
        for content, suffix in checked:
            attachment = ReportAttachment(answer=row)
            store_photo(
                attachment.file, f"r{report.pk}-i{row.item_id}{suffix}", content, field=name
            )
            attachment.save()
            stored.append(attachment.file.name)
        changed.append(
            {"item": row.item_id, "result": row.result, "comment": comment, "files": stored}
        )
    if changed:
        record_event(
            report, "contractors.selfinspection_saved", supplier=supplier.pk, answers=changed
        )
    return report


@transaction.atomic
def submit_report(report: SelfInspectionReport, *, supplier: Supplier) -> SelfInspectionReport:
    """Hand the report in (again, after a return): every item needs a result."""
    _ensure_own(report, supplier)
    report = SelfInspectionReport.objects.select_for_update().get(pk=report.pk)
    if report.status == ReportStatus.ACCEPTED:
        raise field_error(
            "status",
            _("This report was accepted and can no longer be changed."),
            SupplierErrorCode.ALREADY_ACCEPTED,
        )
    if report.status == ReportStatus.SUBMITTED:
        raise field_error(
            "status",
            _("This report is already submitted and waits for review."),
            SupplierErrorCode.ALREADY_SUBMITTED,
        )
    missing = list(
        report.answers.filter(result="")
        .order_by("item__position")
        .values_list("item__position", flat=True)
    )
    if missing:
        raise field_error(
            "items",
            _("Answer every item before submitting; still open: %(items)s.")
            % {"items": ", ".join(str(n) for n in missing)},
            SupplierErrorCode.INCOMPLETE,
        )
    again = report.status == ReportStatus.RETURNED
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.save(update_fields=["status", "submitted_at"])
    record_event(
        report,
        "contractors.selfinspection_resubmitted"
        if again
        else "contractors.selfinspection_submitted",
        supplier=supplier.pk,
        period=report.period,
    )
    return report


def resubmit_report(report: SelfInspectionReport, *, supplier: Supplier) -> SelfInspectionReport:
    """Submit a returned report again (the same rules as :func:`submit_report`)."""
    if report.status != ReportStatus.RETURNED:
        raise field_error(
            "status", _("Only a returned report can be resubmitted."), SupplierErrorCode.INVALID
        )
    return submit_report(report, supplier=supplier)


@transaction.atomic
def review_report(
    report: SelfInspectionReport,
    *,
    by,
    accept: bool,
    comments: dict[int, str] | None = None,
) -> SelfInspectionReport:
    """Accept a submitted report, or return it with a comment on each item to redo
    (``comments`` by FormItem id; returning needs at least one)."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    report = SelfInspectionReport.objects.select_for_update().get(pk=report.pk)
    if report.status != ReportStatus.SUBMITTED:
        raise field_error(
            "status", _("Only a submitted report can be reviewed."), SupplierErrorCode.NOT_SUBMITTED
        )
    rows = {row.item_id: row for row in report.answers.select_for_update()}
    cleaned: dict[int, str] = {}
    for item_id, text in (comments or {}).items():
        if int(item_id) not in rows:
            raise field_error(
                f"item-{item_id}",
                _("This item is not on the report's checklist."),
                SupplierErrorCode.WRONG_ITEM,
            )
        text = clean_text(text, f"item-{item_id}", max_length=500, required=False)
        if text:
            cleaned[int(item_id)] = text
    if not accept and not cleaned:
        raise field_error(
            "comments",
            _("Say for at least one item what the supplier must correct."),
            SupplierErrorCode.COMMENT_REQUIRED,
        )
    for item_id, row in rows.items():
        text = cleaned.get(item_id, "")
        if row.reviewer_comment != text:
            row.reviewer_comment = text
            row.save(update_fields=["reviewer_comment"])
    report.status = ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED
    report.reviewed_by = by
    report.reviewed_at = timezone.now()
    report.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    record_event(
        report,
        "contractors.selfinspection_accepted" if accept else "contractors.selfinspection_returned",
        by=by,
        supplier=report.supplier_id,
        period=report.period,
        comments={str(k): v for k, v in cleaned.items()},
    )
    return report


# --- Lists -------------------------------------------------------------------------


def report_month_status(
    report: SelfInspectionReport | None, due_on: date | None, today: date
) -> str:
    """Not submitted / submitted / returned / accepted, or overdue when past its due
    date and not handed in."""
    status = report.status if report else ReportStatus.DRAFT
    if status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
        return status
    due = report.due_on if report else due_on
    if due is not None and today > due:
        return MonthStatus.OVERDUE
    return MonthStatus.RETURNED if status == ReportStatus.RETURNED else MonthStatus.NOT_SUBMITTED


@dataclass(frozen=True)
class Standing:
    supplier: Supplier
    period: date
    due_on: date | None
    report: SelfInspectionReport | None
    status: str

    @property
    def label(self) -> str:
        return month_status_label(self.status)


def month_standings(today: date | None = None) -> list[Standing]:
    """Every active supplier with this month's report (if any) and its standing."""
    today = today or local_today()
    period = month_of(today)
    form = SelfInspectionForm.objects.filter(active=True).first()
    default_due = period.replace(day=form.due_day) if form else None
    reports = {r.supplier_id: r for r in SelfInspectionReport.objects.filter(period=period)}
    standings = []
    for supplier in Supplier.objects.filter(active=True):
        report = reports.get(supplier.pk)
        due = report.due_on if report else default_due
        standings.append(
            Standing(supplier, period, due, report, report_month_status(report, due, today))
        )
    return standings


def overdue(today: date | None = None) -> list[Standing]:
    """What is past due and not handed in: this month's missing or open reports of
    active suppliers, and earlier months' reports still open (drafts, returned)."""
    today = today or local_today()
    late = [s for s in month_standings(today) if s.status == MonthStatus.OVERDUE]
    earlier = (
        SelfInspectionReport.objects.filter(
            period__lt=month_of(today),
            due_on__lt=today,
            status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED],
            supplier__active=True,
        )
        .select_related("supplier")
        .order_by("period", "supplier__name")
    )
    late += [Standing(r.supplier, r.period, r.due_on, r, MonthStatus.OVERDUE) for r in earlier]
    return late


def history(supplier: Supplier) -> QuerySet[SelfInspectionReport]:
    """The supplier's reports, newest month first."""
    return SelfInspectionReport.objects.filter(supplier=supplier).select_related("reviewed_by")
