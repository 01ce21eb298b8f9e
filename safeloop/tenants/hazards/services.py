"""The hazard closed loop. Every transition checks who may do it, writes the
audit trail and tells whoever is next; views, resolvers and tasks call these.

reported → assigned → rectifying → awaiting acceptance → (one sign-off per
level of the grade; who signs which level is ``acceptance.py``) → closed; a
rejection sends it back to rectifying.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.access import can, ensure_can
from safeloop.platform.errors import field_error
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Area, Equipment, Person
from safeloop.tenants.facilities.photos import (
    decode_signature,
    photo_files_kept_on_success,
    process_photo,
    store_photo,
)
from safeloop.tenants.facilities.selectors import workshop_of
from safeloop.tenants.hazards import acceptance, clauses, major, notices
from safeloop.tenants.hazards.models import (
    Acceptance,
    DeadlineExtension,
    Decision,
    ExtensionState,
    Grade,
    GradePolicy,
    Hazard,
    HazardPhoto,
    HazardSettings,
    LibraryEntry,
    PhotoStage,
    Rectification,
    State,
)
from safeloop.tenants.hazards.permissions import HazardPerm
from safeloop.tenants.hazards.routing import resolve_assignee
from safeloop.tenants.hazards.signals import hazard_reported
from safeloop.tenants.hazards.transitions import require_state

MAX_REPORT_PHOTOS = 3
MAX_AFTER_PHOTOS = 6
# A report form's one-time key (the page renders a uuid4; API clients send their own).
MAX_CLIENT_KEY = 100


class HazardErrorCode:
    ILLEGAL_TRANSITION = "illegal_transition"
    REQUIRED = "required"
    INVALID = "invalid"
    TOO_MANY_PHOTOS = "too_many_photos"
    NOT_ASSIGNEE = "not_assignee"
    NOT_YOUR_LEVEL = "not_your_level"


def _lock(hazard: Hazard) -> Hazard:
    """Re-read the hazard under a row lock: two phones tapping at once can't both win."""
    return Hazard.objects.select_for_update().get(pk=hazard.pk)


def policy_for(grade: str) -> GradePolicy:
    policy = GradePolicy.objects.filter(grade=grade).first()
    if policy is None:
        from safeloop.tenants.hazards.template_section import DEFAULT_GRADE_POLICIES

        defaults = next(p for p in DEFAULT_GRADE_POLICIES if p["grade"] == grade)
        # Two first reports of a grade at once: get_or_create's savepoint turns the
        # loser's unique-grade violation into a read of the winner's row.
        policy, _created = GradePolicy.objects.get_or_create(
            grade=grade, defaults={k: v for k, v in defaults.items() if k != "grade"}
        )
    return policy


def _coordinate(value, field: str, limit: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation:
        raise field_error(field, _("Not a valid coordinate."), HazardErrorCode.INVALID) from None
    if abs(number) > limit:
        raise field_error(field, _("Not a valid coordinate."), HazardErrorCode.INVALID)
    return number


def submission_key(by, client_key: str | None) -> str | None:
    """What a hazard stores of the report form's one-time key: a hash with the
    reporter's id, so one person's key never finds another's report, and an
    anonymous report keeps nothing that names who sent it."""
    key = (client_key or "").strip()
    if not key:
        return None
    if len(key) > MAX_CLIENT_KEY:
        raise field_error(
            "client_key",
            _("This form has expired. Please open the page again."),
            HazardErrorCode.INVALID,
        )
    return hashlib.sha256(f"{by.pk}:{key}".encode()).hexdigest()


def _filed_with(key: str | None) -> Hazard | None:
    return Hazard.objects.filter(submission_key=key).first() if key else None


def report_hazard(*, by, **report) -> Hazard:
    """Record a report ("3 photos + 1 pick") and route it to whoever fixes it.

    The title is the picked entry's, else the first line of the description;
    a caller that knows a better short name (a failed check item) passes ``title``.
    A phone that lost the answer sends the report again with the same
    ``client_key``: it gets the hazard filed the first time, and nothing is filed
    or sent twice. The arguments are ``_file_report``'s.
    """
    ensure_can(by, HazardPerm.HAZARD_REPORT)
    return _file_report(by=by, **report)


def report_by_system(
    *,
    area: Area,
    title: str,
    description: str,
    grade: str,
    reported_at: datetime | None = None,
    photos: Sequence = (),
    key: str | None = None,
) -> Hazard:
    """A hazard nobody reported by hand: a sensor's alarm opened it (its curve is the
    photo). No reporter; routed, graded and told like any other report (the caller
    audits why). ``key`` (say, the alarm's) files it once: called again with the same
    key, the hazard filed the first time is returned."""
    return _file_report(
        by=None,
        system_key=key,
        area=area,
        photos=photos,
        title=title,
        description=description,
        grade=grade,
        reported_at=reported_at,
    )


@photo_files_kept_on_success()
@transaction.atomic
def _file_report(
    *,
    by,
    area: Area,
    photos: Sequence = (),
    library_entry: LibraryEntry | None = None,
    description: str = "",
    equipment: Equipment | None = None,
    grade: str | None = None,
    is_near_miss: bool = False,
    shift: str = "",
    latitude=None,
    longitude=None,
    gps_accuracy_m: float | None = None,
    anonymous: bool = False,
    reported_at: datetime | None = None,
    title: str = "",
    client_key: str | None = None,
    system_key: str | None = None,
) -> Hazard:
    """Check, store and route a report; ``by`` is None for one a sensor opened."""
    if by is not None:
        key = submission_key(by, client_key)
    else:
        key = hashlib.sha256(f"system:{system_key}".encode()).hexdigest() if system_key else None
    if (earlier := _filed_with(key)) is not None:
        return earlier
    description = (description or "").strip()
    if library_entry is None and not description:
        raise field_error(
            "description",
            _("Pick a hazard from the list or describe it."),
            HazardErrorCode.REQUIRED,
        )
    if len(photos) > MAX_REPORT_PHOTOS:
        raise field_error(
            "photos",
            _("At most %(n)d photos.") % {"n": MAX_REPORT_PHOTOS},
            HazardErrorCode.TOO_MANY_PHOTOS,
        )
    if equipment is not None and equipment.area_id != area.pk:
        area = equipment.area  # the machine's own area wins over a stale form value
    if grade is not None and grade not in Grade.values:
        raise field_error("grade", _("Unknown grade."), HazardErrorCode.INVALID)
    if anonymous:
        if not HazardSettings.current().anonymous_reporting:
            raise field_error(
                "anonymous", _("Anonymous reporting is switched off."), HazardErrorCode.INVALID
            )
    reported_at = reported_at or timezone.now()
    lat = _coordinate(latitude, "latitude", 90)
    lng = _coordinate(longitude, "longitude", 180)
    title = " ".join((title or "").split())[:160] or (
        library_entry.title if library_entry else description.splitlines()[0][:160]
    )
    hazard = Hazard(
        title=title,
        description=description,
        library_entry=library_entry,
        category=library_entry.category if library_entry else None,
        grade=grade or (library_entry.grade if library_entry else Grade.GENERAL),
        is_near_miss=is_near_miss,
        area=area,
        equipment=equipment,
        shift=shift or "",
        reporter=None if anonymous else by,
        is_anonymous=anonymous,
        reported_at=reported_at,
        latitude=lat,
        longitude=lng,
        gps_accuracy_m=gps_accuracy_m,
        number="pending",
        submission_key=key,
    )
    hazard.workshop = workshop_of(area)
    proposal = clauses.apply_proposal(hazard)  # a 判定标准 clause makes it 重大
    policy = policy_for(hazard.grade)
    hazard.acceptance_levels = list(policy.acceptance_levels)
    try:
        with transaction.atomic():
            hazard.save()
    except IntegrityError:
        # The same report arrived twice at once: our insert waited for the other
        # request's commit, so its hazard is there to answer with.
        if (earlier := _filed_with(key)) is not None:
            return earlier
        raise
    hazard.number = f"H{reported_at:%y%m}-{hazard.pk:05d}"
    hazard.save(update_fields=["number"])
    if by is None:
        who = _("sensor alarm")
    else:
        who = _("anonymous") if anonymous else (by.get_full_name() or by.email)
    for upload in photos:
        _store_photo(hazard, upload, PhotoStage.REPORT, by=by, who=who, latitude=lat, longitude=lng)
    record_event(
        hazard,
        "hazard.reported",
        by=None if anonymous else by,
        number=hazard.number,
        grade=hazard.grade,
        area=area.code,
        near_miss=is_near_miss,
        photos=len(photos),
    )
    if proposal is not None:
        record_event(
            hazard,
            "hazard.clause_proposed",
            by=None,
            clause=proposal.clause.id,
            number=proposal.clause.number,
            via=proposal.via,
            grade_before=hazard.grade_before_clause,
        )
    _assign(hazard, resolve_assignee(hazard), by=None, policy=policy, reason="routing rule")
    if hazard.grade == Grade.MAJOR:
        major.open_case(hazard)
    notices.reported(hazard, policy)
    hazard_reported.send(sender=Hazard, hazard=hazard, by=by)
    return hazard


def _store_photo(
    hazard: Hazard, upload, stage: str, *, by, who: str, latitude=None, longitude=None
) -> HazardPhoto:
    processed = process_photo(
        upload,
        reported_at=timezone.now(),
        latitude=latitude,
        longitude=longitude,
        who=f"{hazard.number} · {who}",
    )
    photo = HazardPhoto(
        hazard=hazard,
        stage=stage,
        width=processed.width,
        height=processed.height,
        taken_at=processed.taken_at,
        is_stale=processed.is_stale,
        uploaded_by=by,
    )
    store_photo(photo.image, f"{hazard.number}-{stage}.jpg", processed.content)
    photo.save()
    return photo


def _assign(hazard: Hazard, person: Person | None, *, by, policy: GradePolicy, reason: str) -> None:
    if person is None:
        record_event(hazard, "hazard.unrouted", by=by)
        return
    hazard.assignee = person
    hazard.state = State.ASSIGNED
    if hazard.deadline is None:
        hazard.deadline = hazard.reported_at + timedelta(hours=policy.deadline_hours)
    hazard.save(update_fields=["assignee", "state", "deadline"])
    record_event(
        hazard,
        "hazard.assigned",
        by=by,
        assignee=person.employee_no,
        deadline=hazard.deadline,
        reason=reason,
    )
    notices.assigned(hazard)


@transaction.atomic
def reassign(hazard: Hazard, *, by, assignee: Person, reason: str) -> Hazard:
    ensure_can(by, HazardPerm.HAZARD_REASSIGN)
    hazard = _lock(hazard)
    require_state(hazard, State.REPORTED, State.ASSIGNED, State.RECTIFYING)
    if not (reason or "").strip():
        raise field_error("reason", _("Say why it is reassigned."), HazardErrorCode.REQUIRED)
    if not assignee.user.is_active:
        raise field_error(
            "assignee", _("This person is no longer active."), HazardErrorCode.INVALID
        )
    if hazard.state == State.RECTIFYING:
        hazard.state = State.ASSIGNED
    _assign(hazard, assignee, by=by, policy=policy_for(hazard.grade), reason=reason.strip())
    return hazard


def _ensure_assignee(hazard: Hazard, by) -> None:
    if hazard.assignee is None or hazard.assignee.user_id != by.pk:
        raise PermissionDenied(_("Only the person this hazard is assigned to can do this."))


@transaction.atomic
def start_rectification(hazard: Hazard, *, by) -> Hazard:
    hazard = _lock(hazard)
    _ensure_assignee(hazard, by)
    require_state(hazard, State.ASSIGNED)
    hazard.state = State.RECTIFYING
    hazard.save(update_fields=["state"])
    record_event(hazard, "hazard.rectifying", by=by)
    return hazard


@photo_files_kept_on_success()
@transaction.atomic
def submit_rectification(
    hazard: Hazard,
    *,
    by,
    description: str,
    after_photos: Sequence,
    signature_data_url: str,
    test_result: str = "",
) -> Hazard:
    """The fix with its proof: after-photos, what was done, the fixer's signature."""
    hazard = _lock(hazard)
    _ensure_assignee(hazard, by)
    require_state(hazard, State.ASSIGNED, State.RECTIFYING)
    major.before_fix(hazard)
    description = (description or "").strip()
    errors = {}
    if not description:
        errors["description"] = [
            ValidationError(_("Describe what was done."), code=HazardErrorCode.REQUIRED)
        ]
    if not after_photos:
        errors["after_photos"] = [
            ValidationError(
                _("Add at least one photo after the fix."), code=HazardErrorCode.REQUIRED
            )
        ]
    elif len(after_photos) > MAX_AFTER_PHOTOS:
        errors["after_photos"] = [
            ValidationError(_("Too many photos."), code=HazardErrorCode.TOO_MANY_PHOTOS)
        ]
    if errors:
        raise ValidationError(errors)
    signature = decode_signature(signature_data_url)
    who = by.get_full_name() or by.email
    for upload in after_photos:
        _store_photo(hazard, upload, PhotoStage.RECTIFICATION, by=by, who=who)
    rectification = Rectification(
        hazard=hazard, by=by, description=description, test_result=(test_result or "").strip()[:200]
    )
    store_photo(
        rectification.signature, f"{hazard.number}-signature.png", signature, field="signature"
    )
    rectification.save()
    hazard.state = State.AWAITING_ACCEPTANCE
    hazard.accepted_count = 0
    hazard.save(update_fields=["state", "accepted_count"])
    record_event(
        hazard,
        "hazard.rectified",
        by=by,
        photos=len(after_photos),
        test_result=rectification.test_result,
    )
    notices.awaiting_acceptance(hazard)
    return hazard


def _ensure_acceptor(hazard: Hazard, by) -> str:
    require_state(hazard, State.AWAITING_ACCEPTANCE)
    return acceptance.ensure_acceptor(hazard, by)


@photo_files_kept_on_success()
@transaction.atomic
def accept(hazard: Hazard, *, by, signature_data_url: str = "", note: str = "") -> Hazard:
    """Sign off the next acceptance level; the last one closes the hazard.

    Every level signs by hand ("multi-level review", seed 001/003), on the page
    or through the API alike: the drawn signature (a PNG data URL, as the
    fixer's) is stored with the level's acceptance and named in the audit event.
    """
    hazard = _lock(hazard)
    level = _ensure_acceptor(hazard, by)
    signature = decode_signature(signature_data_url)
    note = (note or "").strip()
    acceptance = Acceptance(hazard=hazard, level=level, decision=Decision.ACCEPT, by=by, note=note)
    store_photo(
        acceptance.signature, f"{hazard.number}-{level}-signature.png", signature, field="signature"
    )
    acceptance.save()
    hazard.accepted_count += 1
    if hazard.accepted_count >= len(hazard.acceptance_levels):
        hazard.state = State.CLOSED
        hazard.closed_at = timezone.now()
    hazard.save(update_fields=["accepted_count", "state", "closed_at"])
    record_event(
        hazard,
        "hazard.accepted",
        by=by,
        level=level,
        note=note,
        acceptance=acceptance.pk,
        signature=acceptance.signature.name,
    )
    if hazard.state == State.CLOSED:
        major.on_closed(hazard, by=by)
        record_event(hazard, "hazard.closed", by=by)
        notices.closed(hazard)
    else:
        notices.awaiting_acceptance(hazard)
    return hazard


@transaction.atomic
def reject(hazard: Hazard, *, by, reason: str) -> Hazard:
    """Send the fix back: the assignee rectifies again and every level signs again."""
    hazard = _lock(hazard)
    level = _ensure_acceptor(hazard, by)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Say what is still wrong."), HazardErrorCode.REQUIRED)
    Acceptance.objects.create(
        hazard=hazard, level=level, decision=Decision.REJECT, by=by, note=reason
    )
    hazard.state = State.RECTIFYING
    hazard.accepted_count = 0
    hazard.save(update_fields=["state", "accepted_count"])
    record_event(hazard, "hazard.rejected", by=by, level=level, reason=reason)
    notices.rejected(hazard, reason)
    return hazard


@transaction.atomic
def dismiss(hazard: Hazard, *, by, reason: str) -> Hazard:
    """A report that is not a hazard is closed by a safety officer, with a reason."""
    ensure_can(by, HazardPerm.HAZARD_DISMISS)
    hazard = _lock(hazard)
    require_state(hazard, State.REPORTED, State.ASSIGNED)
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", _("Say why this is not a hazard."), HazardErrorCode.REQUIRED)
    hazard.state = State.DISMISSED
    hazard.dismissed_reason = reason
    hazard.closed_at = timezone.now()
    hazard.save(update_fields=["state", "dismissed_reason", "closed_at"])
    record_event(hazard, "hazard.dismissed", by=by, reason=reason)
    return hazard


@transaction.atomic
def request_extension(
    hazard: Hazard, *, by, new_deadline: datetime, reason: str
) -> DeadlineExtension:
    hazard = _lock(hazard)
    _ensure_assignee(hazard, by)
    require_state(hazard, State.ASSIGNED, State.RECTIFYING)
    if not (reason or "").strip():
        raise field_error("reason", _("Say why more time is needed."), HazardErrorCode.REQUIRED)
    if hazard.deadline and new_deadline <= hazard.deadline:
        raise field_error(
            "new_deadline",
            _("The new deadline must be later than the current one."),
            HazardErrorCode.INVALID,
        )
    if hazard.extensions.filter(state=ExtensionState.PENDING).exists():
        raise field_error(
            "new_deadline",
            _("An extension is already waiting for approval."),
            HazardErrorCode.INVALID,
        )
    extension = DeadlineExtension.objects.create(
        hazard=hazard, requested_by=by, new_deadline=new_deadline, reason=reason.strip()
    )
    record_event(
        hazard,
        "hazard.extension_requested",
        by=by,
        new_deadline=new_deadline,
        reason=extension.reason,
    )
    notices.extension_requested(hazard, extension)
    return extension


@transaction.atomic
def decide_extension(
    extension: DeadlineExtension, *, by, approve: bool, note: str = ""
) -> DeadlineExtension:
    ensure_can(by, HazardPerm.HAZARD_DECIDE_EXTENSION)
    extension = DeadlineExtension.objects.select_for_update().get(pk=extension.pk)
    if extension.state != ExtensionState.PENDING:
        raise ValidationError(
            _("This request was already decided."), code=HazardErrorCode.ILLEGAL_TRANSITION
        )
    if extension.requested_by_id == by.pk:
        raise PermissionDenied(_("You cannot approve your own extension."))
    hazard = _lock(extension.hazard)
    extension.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
    extension.decided_by = by
    extension.decided_at = timezone.now()
    extension.save(update_fields=["state", "decided_by", "decided_at"])
    if approve:
        hazard.deadline = extension.new_deadline
        hazard.save(update_fields=["deadline"])
    record_event(
        hazard,
        "hazard.extension_decided",
        by=by,
        approved=approve,
        new_deadline=extension.new_deadline,
        note=note,
    )
    notices.extension_decided(hazard, extension)
    return extension


def can_view(user, hazard: Hazard) -> bool:
    from safeloop.tenants.hazards.selectors import visible_hazards

    return visible_hazards(user).filter(pk=hazard.pk).exists()


class HazardAction(StrEnum):
    """A step a user may take on a hazard now (the GraphQL ``HazardAction`` enum too)."""

    START = "start"
    RECTIFY = "rectify"
    EXTEND = "extend"
    ACCEPT = "accept"
    REJECT = "reject"
    DISMISS = "dismiss"
    REASSIGN = "reassign"
    DECIDE_EXTENSION = "decide_extension"
    # A major hazard's legal path (major.py).
    STOP_WORK = "stop_work"
    PLAN = "plan"
    APPROVE_PLAN = "approve_plan"
    ASSESS = "assess"
    MARK_REPORTED = "mark_reported"


def allowed_actions(user, hazard: Hazard) -> set[HazardAction]:
    """What the hazard page offers this user (the services still check again)."""
    actions: set[HazardAction] = set()
    is_assignee = hazard.assignee is not None and hazard.assignee.user_id == user.pk
    if is_assignee and hazard.state == State.ASSIGNED:
        actions.add(HazardAction.START)
    if is_assignee and hazard.state in (State.ASSIGNED, State.RECTIFYING):
        actions |= {HazardAction.RECTIFY, HazardAction.EXTEND}
    if acceptance.may_sign_now(user, hazard):
        actions |= {HazardAction.ACCEPT, HazardAction.REJECT}
    if hazard.state in (State.REPORTED, State.ASSIGNED) and can(user, HazardPerm.HAZARD_DISMISS):
        actions.add(HazardAction.DISMISS)
    if (
        hazard.is_open
        and hazard.state != State.AWAITING_ACCEPTANCE
        and can(user, HazardPerm.HAZARD_REASSIGN)
    ):
        actions.add(HazardAction.REASSIGN)
    if hazard.extensions.filter(state=ExtensionState.PENDING).exists() and can(
        user, HazardPerm.HAZARD_DECIDE_EXTENSION
    ):
        actions.add(HazardAction.DECIDE_EXTENSION)
    return actions | _major_actions(user, hazard)


def _major_actions(user, hazard: Hazard) -> set[HazardAction]:
    case = major.case_of(hazard)
    if case is None:
        return set()
    actions: set[HazardAction] = set()
    if can(user, HazardPerm.HAZARD_MANAGE_MAJOR):
        actions.add(HazardAction.MARK_REPORTED)
        if hazard.is_open and not case.is_stopped:
            actions.add(HazardAction.STOP_WORK)
        if hazard.is_open and hazard.state != State.AWAITING_ACCEPTANCE:
            actions.add(HazardAction.PLAN)
        if major.awaits_assessment(hazard):
            actions.add(HazardAction.ASSESS)
    if (
        hazard.is_open
        and case.plan_at is not None
        and not case.plan_approved
        and can(user, HazardPerm.HAZARD_APPROVE_MAJOR_PLAN)
    ):
        actions.add(HazardAction.APPROVE_PLAN)
    return actions
