"""A failed answer becomes a hazard (隐患) in one call, through the hazard services."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from safeloop.platform.errors import field_error
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.photos import StampedPhoto
from safeloop.tenants.hazards.models import Hazard, LibraryEntry
from safeloop.tenants.hazards.services import report_hazard
from safeloop.tenants.inspections.errors import InspectionErrorCode as Code
from safeloop.tenants.inspections.models import Answer, ItemKind
from safeloop.tenants.inspections.signals import answer_reported


@transaction.atomic
def create_hazard_from_answer(
    answer: Answer,
    *,
    by,
    grade: str | None = None,
    library_entry: LibraryEntry | None = None,
    description: str = "",
) -> Hazard:
    """Report a failed answer as a hazard, pre-filled: the point's area and machine,
    the item's short name as the title (unless a library entry is picked), the
    item, its value and the answer's note as the description, the answer's photo
    (already stamped, copied under the hazard's key) and the inspection's GPS.

    Goes through ``hazards.services.report_hazard`` (routing, deadline,
    notices, audit). Calling it again for the same answer returns that hazard.
    """
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("item", "inspection__point__area", "inspection__point__equipment__area")
        .get(pk=answer.pk)
    )
    if answer.hazard_id:
        return answer.hazard
    if answer.passed is not False:
        raise field_error(
            "answer", _("Only a failed item can be reported as a hazard."), Code.NOT_FAILED
        )
    inspection, item = answer.inspection, answer.item
    point = inspection.point
    lines = [_("%(item)s: %(value)s") % {"item": item.display_label, "value": _shown_value(answer)}]
    for extra in (answer.note, (description or "").strip()):
        if extra:
            lines.append(extra)
    # The answer's photo was stamped when the inspection was submitted: the
    # hazard keeps a copy of it as it is, not a second stamp over the first.
    photos = [StampedPhoto(answer.photo)] if answer.photo else []
    hazard = report_hazard(
        by=by,
        area=point.place,
        equipment=point.equipment if point.is_equipment else None,
        description="\n".join(lines),
        library_entry=library_entry,
        grade=grade,
        photos=photos,
        latitude=inspection.latitude,
        longitude=inspection.longitude,
        title="" if library_entry else item.display_short_label,
    )
    answer.hazard = hazard
    answer.save(update_fields=["hazard"])
    answer_reported.send(sender=Answer, answer=answer, hazard=hazard, by=by)
    record_event(
        inspection, "inspection.hazard_reported", by=by, item=item.pk, hazard=hazard.number
    )
    return hazard


def _shown_value(answer: Answer) -> str:
    item = answer.item
    if item.kind == ItemKind.PASS_FAIL:
        return _("fail") if answer.value_bool is False else _("pass")
    if item.kind == ItemKind.NUMBER and answer.value_number is not None:
        limits = f"{item.number_min if item.number_min is not None else ''}–" + (
            f"{item.number_max}" if item.number_max is not None else ""
        )
        return f"{answer.value_number.normalize()} {item.unit} ({limits})".replace("  ", " ")
    return answer.value_choice or answer.value_text or "-"
