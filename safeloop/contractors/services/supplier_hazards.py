"""A failed item of a supplier's self-inspection becomes a hazard (隐患) on that
supplier's list, through the hazard services (routing, deadline, notices, audit).

The link lives in contractors (:class:`SupplierHazard`): the hazards app does not
know suppliers. A supplier sees its hazards' number, title, state and deadline,
never who handles them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from safeloop.access import ensure_can
from safeloop.contractors.models import (
    ItemResult,
    ReportItem,
    ReportStatus,
    Supplier,
    SupplierHazard,
)
from safeloop.contractors.permissions import ContractorPerm
from safeloop.platform.errors import field_error
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Area
from safeloop.tenants.facilities.photos import StampedPhoto
from safeloop.tenants.hazards.models import Hazard
from safeloop.tenants.hazards.services import MAX_REPORT_PHOTOS, report_hazard

REVIEWED = (ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.ACCEPTED)


class SupplierHazardErrorCode:
    NOT_FAILED = "not_failed"
    NOT_SUBMITTED = "not_submitted"
    REQUIRED = "required"


@transaction.atomic
def create_hazard_from_report_item(
    answer: ReportItem,
    *,
    by,
    area: Area | None,
    grade: str | None = None,
    description: str = "",
) -> Hazard:
    """Report a "not OK" answer of a handed-in report as a hazard in ``area``, pre-filled:
    the supplier and the checklist item as the title, the supplier's note and the
    reviewer's words as the description, the supplier's pictures as its photos.

    Calling it again for the same answer returns that hazard.
    """
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    answer = (
        ReportItem.objects.select_for_update(of=("self",))
        .select_related("item", "report__supplier")
        .get(pk=answer.pk)
    )
    link = SupplierHazard.objects.filter(answer=answer).select_related("hazard").first()
    if link is not None:
        return link.hazard
    report = answer.report
    if report.status not in REVIEWED:
        raise field_error(
            "answer",
            _("Only an item of a submitted report can become a hazard."),
            SupplierHazardErrorCode.NOT_SUBMITTED,
        )
    if answer.result != ItemResult.NOT_OK:
        raise field_error(
            "answer",
            _("Only an item the supplier answered “Not OK” can become a hazard."),
            SupplierHazardErrorCode.NOT_FAILED,
        )
    if area is None:
        raise field_error(
            "area", _("Choose the area the hazard is in."), SupplierHazardErrorCode.REQUIRED
        )
    supplier = report.supplier
    lines = [
        _("Supplier %(s)s, self-inspection %(m)s: %(item)s")
        % {"s": supplier.name, "m": f"{report.period:%Y-%m}", "item": answer.item.text}
    ]
    for extra in (answer.comment, (description or "").strip()):
        if extra:
            lines.append(extra)
    pictures = [a for a in answer.attachments.all() if not a.is_pdf][:MAX_REPORT_PHOTOS]
    hazard = report_hazard(
        by=by,
        area=area,
        grade=grade or None,
        description="\n".join(lines),
        title=f"{supplier.name}: {answer.item.text}",
        photos=[StampedPhoto(a.file) for a in pictures],
    )
    SupplierHazard.objects.create(supplier=supplier, answer=answer, hazard=hazard)
    record_event(
        report,
        "contractors.selfinspection_hazard_reported",
        by=by,
        supplier=supplier.pk,
        item=answer.item_id,
        hazard=hazard.number,
    )
    return hazard


@dataclass(frozen=True)
class SupplierHazardView:
    """What a supplier may see of a hazard on its list: no people, no photos."""

    pk: int
    number: str
    title: str
    state: str
    state_label: str
    deadline: datetime | None
    period: str


def hazards_of(supplier: Supplier) -> QuerySet[SupplierHazard]:
    """The supplier's hazards, newest first (for the managers' page)."""
    return SupplierHazard.objects.filter(supplier=supplier).select_related(
        "hazard", "answer__report", "answer__item"
    )


def hazards_for_supplier(supplier: Supplier) -> list[SupplierHazardView]:
    """The supplier's own view of its hazards: status only."""
    return [
        SupplierHazardView(
            pk=link.pk,
            number=link.hazard.number,
            title=link.hazard.title,
            state=link.hazard.state,
            state_label=link.hazard.get_state_display(),
            deadline=link.hazard.deadline,
            period=f"{link.answer.report.period:%Y-%m}",
        )
        for link in hazards_of(supplier)
    ]
