"""Induction (入场培训): what the enterprise requires per work type and project, the
safety briefing (安全交底) a worker signs, and the sign-in a worker's phone gets so
the induction courses and exams (learning) are taken as that worker.

Whether the requirements hold is decided in :mod:`.passes`, nowhere else.
"""

from __future__ import annotations

import base64
import binascii
import io

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from safeloop.access import Role, ensure_can
from safeloop.contractors.models import (
    BriefingSignature,
    CertificateKind,
    ContractorWorker,
    InductionRequirement,
    Project,
    SafetyBriefing,
    WorkType,
)
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.services.companies import ContractorErrorCode, clean_text
from safeloop.contractors.services.passes import (
    _text_hash,
    refresh_after_commit,
    refresh_pass,
)
from safeloop.platform.errors import field_error
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Person, PersonKind
from safeloop.tenants.facilities.photos import photo_files_kept_on_success, store_photo

# A drawn signature: a small PNG from the phone's canvas.
SIGNATURE_MAX_BYTES = 300 * 1024


def _workers_affected(work_type: str, project: Project | None):
    workers = ContractorWorker.objects.all()
    if work_type:
        workers = workers.filter(work_types__contains=[work_type])
    if project is not None:
        workers = workers.filter(company_id=project.company_id)
    return workers


@transaction.atomic
def add_requirement(
    *,
    by,
    work_type: str = "",
    project: Project | None = None,
    course=None,
    certificate_kind: str = "",
) -> InductionRequirement:
    """Require a course (its exam passed) or a special operation certificate, for a work
    type (blank: everyone) on a project (None: every project). Passes follow at once."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    if work_type and work_type not in WorkType.values:
        raise field_error("work_type", _("Choose a work type from the list."), "invalid")
    if bool(course) == bool(certificate_kind):
        raise field_error(
            "course",
            _("Choose either a course with its exam or a special operation certificate."),
            ContractorErrorCode.REQUIRED,
        )
    if certificate_kind and certificate_kind not in CertificateKind.values:
        raise field_error("certificate_kind", _("Choose the type of special operation."), "invalid")
    exists = InductionRequirement.objects.filter(
        work_type=work_type, project=project, course=course, certificate_kind=certificate_kind
    ).first()
    if exists is not None:
        return exists
    requirement = InductionRequirement.objects.create(
        work_type=work_type, project=project, course=course, certificate_kind=certificate_kind
    )
    record_event(
        requirement,
        "contractors.requirement_added",
        by=by,
        work_type=work_type,
        project=project.pk if project else None,
        course=course.pk if course else None,
        certificate_kind=certificate_kind,
    )
    refresh_after_commit(_workers_affected(work_type, project), "requirement")
    return requirement


@transaction.atomic
def remove_requirement(requirement: InductionRequirement, *, by) -> None:
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    workers = list(_workers_affected(requirement.work_type, requirement.project))
    record_event(
        requirement,
        "contractors.requirement_removed",
        by=by,
        work_type=requirement.work_type,
        course=requirement.course_id,
        certificate_kind=requirement.certificate_kind,
    )
    requirement.delete()
    refresh_after_commit(workers, "requirement")


@transaction.atomic
def set_briefing(*, by, title: str, body: str, project: Project | None = None) -> SafetyBriefing:
    """Write the site's (or a project's) safety briefing. A changed text is a new
    version: the workers sign it again before their passes hold."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    title = clean_text(title, "title", max_length=120)
    body = (body or "").strip()
    if not body:
        raise field_error("body", _("This field is required."), ContractorErrorCode.REQUIRED)
    if len(body) > 20000:
        raise field_error(
            "body", _("At most %(n)d characters.") % {"n": 20000}, ContractorErrorCode.TOO_LONG
        )
    briefing = (
        SafetyBriefing.objects.select_for_update().filter(project=project, active=True).first()
    )
    if briefing is None:
        briefing = SafetyBriefing.objects.create(project=project, title=title, body=body)
    elif (briefing.title, briefing.body) != (title, body):
        briefing.title, briefing.body = title, body
        briefing.version += 1
        briefing.save()
    else:
        return briefing
    record_event(
        briefing,
        "contractors.briefing_set",
        by=by,
        project=project.pk if project else None,
        version=briefing.version,
        text_hash=_text_hash(briefing),
    )
    workers = ContractorWorker.objects.all()
    if project is not None:
        workers = workers.filter(company_id=project.company_id)
    refresh_after_commit(workers, "briefing")
    return briefing


def _signature_png(data_url: str) -> ContentFile:
    prefix = "data:image/png;base64,"
    if not data_url or not data_url.startswith(prefix):
        raise field_error(
            "signature", _("Sign with your finger in the box."), ContractorErrorCode.REQUIRED
        )
    try:
        raw = base64.b64decode(data_url[len(prefix) :], validate=True)
    except (binascii.Error, ValueError):
        raise field_error("signature", _("The signature could not be read."), "invalid") from None
    if len(raw) > SIGNATURE_MAX_BYTES:
        raise field_error("signature", _("The signature is too large."), "too_large")
    try:
        image = Image.open(io.BytesIO(raw))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise field_error("signature", _("The signature could not be read."), "invalid") from None
    # A blank box is no signature: some pixels must be drawn.
    extrema = image.convert("L").getextrema()
    alpha = image.getchannel("A").getextrema() if "A" in image.getbands() else (255, 255)
    if extrema[0] == extrema[1] and (alpha[1] == 0 or alpha[0] == alpha[1]):
        raise field_error(
            "signature", _("Sign with your finger in the box."), ContractorErrorCode.REQUIRED
        )
    return ContentFile(raw)


def sign_briefing(
    worker: ContractorWorker, briefing: SafetyBriefing, *, signature: str, ip: str | None = None
) -> BriefingSignature:
    """The worker signs the briefing shown (its current version) with a drawn signature
    (a PNG data URL from the phone). Called for the worker's own browser session."""
    with photo_files_kept_on_success():
        return _sign(worker, briefing, signature, ip)


@transaction.atomic
def _sign(worker, briefing, signature, ip) -> BriefingSignature:
    briefing = SafetyBriefing.objects.get(pk=briefing.pk)
    if not briefing.active:
        raise field_error(
            "signature",
            _("This briefing has been replaced; read the current one."),
            ContractorErrorCode.INVALID,
        )
    png = _signature_png(signature)
    signed = BriefingSignature(
        briefing=briefing,
        worker=worker,
        version=briefing.version,
        text_hash=_text_hash(briefing),
        signed_at=timezone.now(),
        ip=ip or None,
    )
    store_photo(signed.image, "signature.png", png, field="signature")
    signed.save()
    record_event(
        signed,
        "contractors.briefing_signed",
        by=worker.person.user if worker.person_id else None,
        worker=worker.pk,
        briefing=briefing.pk,
        version=briefing.version,
        text_hash=signed.text_hash,
    )
    transaction.on_commit(lambda: refresh_pass(worker, source="briefing"))
    return signed


@transaction.atomic
def ensure_person(worker: ContractorWorker, *, role: Role = Role.CONTRACTOR_WORKER) -> Person:
    """The person ``worker`` signs in as (kind "contractor", only outsider roles), made
    on first need; a crew lead's person also holds the crew lead role."""
    worker = ContractorWorker.objects.select_for_update().get(pk=worker.pk)
    if worker.person_id:
        person = worker.person
        if role.value not in person.roles:
            person.roles = sorted({*person.roles, role.value})
            person.save(update_fields=["roles"])
            record_event(person, "person.roles_changed", roles=person.roles)
        return person
    User = get_user_model()
    username = f"contractor-{worker.pk}@workers.invalid"
    first, _sep, last = worker.name.partition(" ")
    user = User(username=username, email="", first_name=first[:150], last_name=last[:150])
    user.set_unusable_password()
    user.save()
    person = Person.objects.create(
        user=user,
        employee_no=f"CW{worker.pk:06d}",
        phone=worker.phone,
        kind=PersonKind.CONTRACTOR,
        roles=[role.value],
    )
    worker.person = person
    worker.save(update_fields=["person", "updated_at"])
    record_event(person, "person.created", employee_no=person.employee_no, roles=person.roles)
    return person
