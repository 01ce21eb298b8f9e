"""Contractor workers: registration (with privacy consent, duplicates merged by the
ID number's keyed hash), special operation certificates, and reading an ID number.

A clear ID number lives only inside these functions (as ``pii.IdNumber``); the
audit trail, the logs and the errors get its masked form at most.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.access import ensure_can
from safeloop.contractors import pii
from safeloop.contractors.models import (
    CertificateKind,
    ContractorCompany,
    ContractorWorker,
    Crew,
    PrivacyConsent,
    SpecialCertificate,
    WorkType,
)
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.privacy import NOTICE_VERSION, current_text_hashes
from safeloop.contractors.services.companies import (
    ContractorErrorCode,
    clean_text,
    ensure_active,
    local_today,
)
from safeloop.contractors.uploads import checked_image
from safeloop.contractors.validators import clean_id_number
from safeloop.platform.errors import field_error
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.photos import photo_files_kept_on_success, store_photo

# Two registrations of one person at once (a worker and the crew lead's list) meet here.
_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':worker:' || %s))"


@dataclass(frozen=True)
class Consent:
    """The worker's "I agree" to the privacy notice: which version, the hash of the
    exact text shown, and the address it came from."""

    notice_version: str
    text_hash: str
    ip: str | None = None


@dataclass(frozen=True)
class Registration:
    worker: ContractorWorker
    # False: the ID number was registered before, and that worker was updated.
    created: bool


def id_number(value: str | None, field: str = "id_number") -> pii.IdNumber:
    """The checked ID number, wrapped so it never prints; a field error naming the field."""
    try:
        return pii.IdNumber(clean_id_number(value))
    except ValidationError as exc:
        raise field_error(field, exc.messages[0], exc.code) from None


def _check_consent(consent: Consent | None) -> None:
    if consent is None:
        raise field_error(
            "consent",
            _("The worker must agree to the privacy notice before registering."),
            ContractorErrorCode.CONSENT_REQUIRED,
        )
    if consent.notice_version != NOTICE_VERSION or consent.text_hash not in current_text_hashes():
        raise field_error(
            "consent",
            _("The privacy notice has changed: please read and agree to the current one."),
            ContractorErrorCode.NOTICE_OUTDATED,
        )


def _work_types(values: Iterable[str]) -> list[str]:
    values = list(dict.fromkeys(values))
    if any(value not in WorkType.values for value in values):
        raise field_error("work_types", _("Choose work types from the list."), "invalid")
    return values


def register_worker(
    company: ContractorCompany,
    *,
    by,
    name: str,
    id_number_value: str,
    consent: Consent | None,
    phone: str = "",
    work_types: Iterable[str] = (),
    crew: Crew | None = None,
    photo=None,
) -> Registration:
    """Register a worker of ``company``; the same ID number registered again updates that
    worker (name, phone, crew, company, photo; work types added) instead of a second row."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    with photo_files_kept_on_success():
        return register(company, by, name, id_number_value, consent, phone, work_types, crew, photo)


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def _ensure_same_phone(worker: ContractorWorker, phone: str) -> None:
    """Someone at the public gate link who knows a registered ID number must not take
    over that worker's record: a repeat registration there needs the phone on file."""
    if worker.phone and _digits(phone) != _digits(worker.phone):
        raise field_error(
            "phone",
            _(
                "This ID number is already registered with another phone number. Enter the "
                "phone number you registered with; if it has changed, ask the site's "
                "contractor manager to update it."
            ),
            ContractorErrorCode.INVALID,
        )


@transaction.atomic
def register(
    company,
    by,
    name,
    id_value,
    consent,
    phone,
    work_types,
    crew,
    photo,
    *,
    may_update=None,
    **audit,
) -> Registration:
    """The registration itself, for a caller that has settled who may register: a
    manager (``register_worker``) or the signed gate link (``gate.register_at_gate``).
    ``may_update`` is asked, under the lock, about a worker already registered with the
    ID number before it is touched; it raises to refuse (a crew lead may not take over
    another company's worker)."""
    ensure_active(company)
    name = clean_text(name, "name", max_length=60)
    number = id_number(id_value)
    phone = clean_text(phone, "phone", max_length=30, required=False)
    types = _work_types(work_types)
    if crew is not None and crew.company_id != company.pk:
        raise field_error(
            "crew", _("This crew is another company's."), ContractorErrorCode.WRONG_COMPANY
        )
    _check_consent(consent)
    protected = pii.protect(number)
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL, [protected.hash])
    worker = (
        ContractorWorker.objects.select_for_update().filter(id_number_hash=protected.hash).first()
    )
    created = worker is None
    if not created and may_update is not None:
        may_update(worker)
    if not created and by is None:
        _ensure_same_phone(worker, phone)
    if created:
        worker = ContractorWorker(
            company=company,
            crew=crew,
            name=name,
            phone=phone,
            work_types=types,
            id_number_token=protected.token,
            id_number_hash=protected.hash,
            id_number_masked=protected.masked,
        )
        changed = {}
    else:
        values = {
            "company_id": company.pk,
            "name": name,
            "phone": phone or worker.phone,
            "crew_id": crew.pk if crew is not None else worker.crew_id,
            "work_types": list(dict.fromkeys([*worker.work_types, *types])),
        }
        changed = {k: v for k, v in values.items() if getattr(worker, k) != v}
        for key, value in values.items():
            setattr(worker, key, value)
    if photo:
        store_photo(worker.photo, "worker.jpg", checked_image(photo, field="photo"), field="photo")
        changed["photo"] = True
    worker.save()
    PrivacyConsent.objects.create(
        worker=worker,
        notice_version=consent.notice_version,
        text_hash=consent.text_hash,
        given_at=timezone.now(),
        ip=consent.ip or None,
    )
    record_event(
        worker,
        "contractors.worker_registered" if created else "contractors.worker_merged",
        by=by,
        company=company.pk,
        name=worker.name,
        id_number=worker.id_number_masked,
        crew=worker.crew_id,
        work_types=worker.work_types,
        notice_version=consent.notice_version,
        changed=sorted(changed),
        **audit,
    )
    if not created and changed:
        from safeloop.contractors.services.passes import refresh_after_commit

        refresh_after_commit([worker], "registration")
    return Registration(worker, created)


def add_certificate(
    worker: ContractorWorker,
    *,
    by,
    kind: str,
    number: str,
    issuer: str,
    valid_until: date | None,
    card_photo=None,
    today: date | None = None,
) -> SpecialCertificate:
    """Record a special operation certificate (特种作业操作证); the same type and number
    again is its renewal (new expiry, issuer, card photo). An expired one is refused."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    with photo_files_kept_on_success():
        return save_certificate(worker, by, kind, number, issuer, valid_until, card_photo, today)


@transaction.atomic
def save_certificate(
    worker, by, kind, number, issuer, valid_until, card_photo=None, today=None
) -> SpecialCertificate:
    """The recording itself, for a caller that has settled who may record: a manager
    (``add_certificate``) or a worker list's import (``crew_xlsx``)."""
    if kind not in CertificateKind.values:
        raise field_error(
            "kind", _("Choose the type of special operation."), ContractorErrorCode.INVALID
        )
    number = clean_text(number, "number", max_length=40)
    issuer = clean_text(issuer, "issuer", max_length=120)
    if valid_until is None:
        raise field_error(
            "valid_until", _("Enter the date the certificate is valid until."), "required"
        )
    if valid_until < (today or local_today()):
        raise field_error(
            "valid_until",
            _("This certificate has already expired: it cannot be recorded as valid."),
            ContractorErrorCode.EXPIRED,
        )
    certificate = (
        SpecialCertificate.objects.select_for_update()
        .filter(worker=worker, kind=kind, number=number)
        .first()
    )
    renewed = certificate is not None
    if certificate is None:
        certificate = SpecialCertificate(worker=worker, kind=kind, number=number)
    certificate.issuer = issuer
    certificate.valid_until = valid_until
    if card_photo:
        store_photo(
            certificate.card_photo,
            "card.jpg",
            checked_image(card_photo, field="card_photo"),
            field="card_photo",
        )
    certificate.save()
    record_event(
        certificate,
        "contractors.certificate_renewed" if renewed else "contractors.certificate_added",
        by=by,
        worker=worker.pk,
        kind=kind,
        number=certificate.number_shown,
        issuer=issuer,
        valid_until=valid_until,
    )
    from safeloop.contractors.services.passes import refresh_after_commit

    refresh_after_commit([worker], "certificate")
    return certificate


@transaction.atomic
def unmasked_id(worker: ContractorWorker, *, by) -> str:
    """The worker's full ID number, for a person who may manage contractors; every
    reading is written to the audit trail."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    number = pii.decrypt(worker.id_number_token)
    record_event(worker, "contractors.id_number_revealed", by=by, id_number=worker.id_number_masked)
    return number
