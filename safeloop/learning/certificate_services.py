"""Training certificates (培训合格证): issued when a course's final quiz is passed,
verified by anyone through the QR code on the PDF, revoked by a manager.

The number reads ``<SLUG>-<year>-<5 digits>`` (``ACME-2026-00042``), counted per
enterprise and year. The validity is the pack's renewal interval, else the
course's (0: never expires). The public page says valid / expired / revoked,
the course and the name, nothing more.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_tenant_model

from safeloop.access import can, ensure_can
from safeloop.learning.assignment_services import local_today
from safeloop.learning.models import Assignment, Attempt, Certificate
from safeloop.learning.permissions import LearningPerm
from safeloop.platform.errors import field_error
from safeloop.platform.urls_util import public_url
from safeloop.tenants.audit.services import record_event

log = logging.getLogger("safeloop.learning")

_NUMBER_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':certificate-no'))"
MAX_REASON = 200


class CertificateErrorCode:
    REQUIRED = "required"
    ALREADY_REVOKED = "already_revoked"
    NOT_PASSED = "not_passed"


class Validity:
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months``, on the month's last day when it is shorter (31 Jan + 1 = 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def status_of(certificate: Certificate, today: date | None = None) -> str:
    if certificate.revoked_at is not None:
        return Validity.REVOKED
    if certificate.valid_until is not None and certificate.valid_until < (today or local_today()):
        return Validity.EXPIRED
    return Validity.VALID


def status_label(status: str) -> str:
    return {
        Validity.VALID: _("Valid"),
        Validity.EXPIRED: _("Expired"),
        Validity.REVOKED: _("Revoked"),
    }[status]


def _tenant_prefix() -> str:
    slug = getattr(getattr(connection, "tenant", None), "slug", "") or connection.schema_name
    return re.sub(r"[^A-Z0-9]", "", slug.upper())[:12] or "SL"


def next_number(year: int) -> str:
    """The next certificate number of this enterprise and year; the caller's transaction
    holds the lock, so two passes at once never share a number."""
    with connection.cursor() as cursor:
        cursor.execute(_NUMBER_LOCK_SQL)
    prefix = f"{_tenant_prefix()}-{year}-"
    last = (
        Certificate.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{serial:05d}"


def renewal_months_for(course, assignment: Assignment | None) -> int:
    pack = assignment.pack if assignment is not None else None
    if pack is not None and pack.renewal_months is not None:
        return pack.renewal_months
    return course.renewal_months


@transaction.atomic
def complete_course(attempt: Attempt, *, now: datetime | None = None) -> Certificate:
    """A passed final quiz: the open assignment is done and the certificate issued.

    Called from the ``course_passed`` signal inside the grading transaction; a second
    call for the same attempt returns the certificate issued the first time.
    """
    if not attempt.passed or attempt.submitted_at is None or attempt.quiz.lesson_id is not None:
        raise ValidationError(
            _("Only a passed final quiz completes a course."), code=CertificateErrorCode.NOT_PASSED
        )
    existing = Certificate.objects.filter(attempt=attempt).first()
    if existing is not None:
        return existing
    now = now or attempt.submitted_at
    course = attempt.quiz.course
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("pack")
        .filter(
            person_id=attempt.person_id,
            course=course,
            completed_at__isnull=True,
            cancelled_at__isnull=True,
        )
        .first()
    )
    if assignment is not None:
        assignment.completed_at = now
        assignment.save(update_fields=["completed_at"])
    issued_on = local_today(now)
    months = renewal_months_for(course, assignment)
    certificate = Certificate.objects.create(
        number=next_number(issued_on.year),
        person_id=attempt.person_id,
        course=course,
        attempt=attempt,
        issued_on=issued_on,
        valid_until=add_months(issued_on, months) if months else None,
        hours=course.hours,
        score=attempt.score,
    )
    record_event(
        certificate,
        "learning.certificate_issued",
        by=None,
        number=certificate.number,
        person=attempt.person_id,
        course=course.pk,
        attempt=attempt.pk,
        assignment=assignment.pk if assignment else None,
        valid_until=certificate.valid_until,
    )
    # The PDF is rendered on its first download, in a request on the enterprise's own
    # host: a grading transaction stays short, and the QR never names a host or port
    # that a worker process (or a shell) would guess.
    return certificate


@transaction.atomic
def revoke_certificate(certificate: Certificate, *, by, reason: str) -> Certificate:
    """Withdraw a certificate (a mistake, a fraud): its page says revoked from now on."""
    ensure_can(by, LearningPerm.LEARNING_VIEW_ALL)
    reason = " ".join((reason or "").split())
    if not reason:
        raise field_error("reason", _("Give a reason."), CertificateErrorCode.REQUIRED)
    if len(reason) > MAX_REASON:
        raise field_error(
            "reason",
            _("At most %(n)d characters.") % {"n": MAX_REASON},
            CertificateErrorCode.REQUIRED,
        )
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        raise ValidationError(
            _("This certificate is already revoked."), code=CertificateErrorCode.ALREADY_REVOKED
        )
    certificate.revoked_at = timezone.now()
    certificate.revoke_reason = reason
    certificate.save(update_fields=["revoked_at", "revoke_reason"])
    record_event(
        certificate,
        "learning.certificate_revoked",
        by=by,
        number=certificate.number,
        reason=reason,
    )
    return certificate


# --- Reading ---------------------------------------------------------------------------


def verify_path(token: str) -> str:
    return reverse("certificate_verify", args=[token])


def _tenant_host() -> str | None:
    """This schema's enterprise host, also where ``connection.tenant`` is a bare
    schema (``schema_context`` in a shell or a task)."""
    host = getattr(getattr(connection, "tenant", None), "host", None)
    if host:
        return host
    enterprise = get_tenant_model().objects.filter(schema_name=connection.schema_name).first()
    return getattr(enterprise, "host", None)


def verify_url(certificate: Certificate) -> str:
    """The public page the QR code opens, on this enterprise's served host and port."""
    return public_url(verify_path(certificate.token), host=_tenant_host())


@dataclass(frozen=True)
class PublicCertificate:
    """All the verification page shows: nothing more personal than the name."""

    number: str
    status: str
    status_label: str
    name: str
    course: str
    course_en: str
    issued_on: date
    valid_until: date | None


def verify(token: str, *, today: date | None = None) -> PublicCertificate | None:
    """The certificate of ``token`` in this enterprise's schema, or None (unknown token)."""
    token = (token or "").strip()
    if not token or len(token) > 64:
        return None
    certificate = (
        Certificate.objects.select_related("person__user", "course").filter(token=token).first()
    )
    if certificate is None:
        return None
    status = status_of(certificate, today)
    return PublicCertificate(
        number=certificate.number,
        status=status,
        status_label=status_label(status),
        name=certificate.person.full_name,
        course=certificate.course.title,
        course_en=certificate.course.title_en,
        issued_on=certificate.issued_on,
        valid_until=certificate.valid_until,
    )


def can_read_certificate(user, certificate: Certificate) -> bool:
    """One's own, or within the reader's archive scope."""
    from safeloop.learning.archive import people_in_scope

    person = getattr(user, "person", None)
    if person is not None and certificate.person_id == person.pk:
        return can(user, LearningPerm.LEARNING_TAKE)
    return people_in_scope(user).filter(pk=certificate.person_id).exists()


def ensure_pdf(certificate: Certificate) -> bytes:
    """The certificate's PDF: the stored one, or rendered and stored now."""
    if certificate.pdf:
        try:
            with certificate.pdf.open("rb") as handle:
                return handle.read()
        except OSError:
            log.warning("Certificate %s PDF missing; rendering again", certificate.pk)
    from safeloop.learning.certificate_pdf import render_certificate

    data = render_certificate(certificate, verify_url(certificate))
    certificate.pdf.save(f"{certificate.number}.pdf", ContentFile(data), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    return data
