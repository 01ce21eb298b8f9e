"""Contractor companies, their qualifications, projects and crews; what expires soon.

Every change checks ``contractors.manage``, locks what it changes and writes the
audit trail, so the pages, a later GraphQL API and the gate portal can't forget.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.access import ensure_can
from safeloop.contractors.models import (
    CompanyStatus,
    ContractorCompany,
    ContractorWorker,
    Crew,
    Project,
    Qualification,
    QualificationKind,
    SpecialCertificate,
)
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.uploads import checked_scan
from safeloop.contractors.validators import clean_credit_code
from safeloop.platform.errors import clean_text, field_error
from safeloop.platform.limits import ensure_storage_room
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Area, Person, PersonKind
from safeloop.tenants.facilities.photos import photo_files_kept_on_success, store_photo

# A badge says "expiring" this many days ahead.
EXPIRING_SOON_DAYS = 30


class ContractorErrorCode:
    REQUIRED = "required"
    TOO_LONG = "too_long"
    TAKEN = "taken"
    INVALID = "invalid"
    BLACKLISTED = "blacklisted"
    EXPIRED = "expired"
    DATES = "dates"
    WRONG_COMPANY = "wrong_company"
    CONSENT_REQUIRED = "consent_required"
    NOTICE_OUTDATED = "notice_outdated"


def local_today() -> date:
    return timezone.localdate()


def _credit_code(value: str, *, company: ContractorCompany | None) -> str:
    try:
        code = clean_credit_code(value)
    except ValidationError as exc:
        raise field_error("credit_code", exc.messages[0], exc.code) from None
    taken = ContractorCompany.objects.filter(credit_code=code)
    if company is not None:
        taken = taken.exclude(pk=company.pk)
    if taken.exists():
        raise _credit_code_taken()
    return code


def _credit_code_taken() -> ValidationError:
    return field_error(
        "credit_code",
        _("A company with this unified social credit code is already registered."),
        ContractorErrorCode.TAKEN,
    )


def _save_unique(obj, taken: ValidationError) -> None:
    """Save in a savepoint: a concurrent insert of the same code is ``taken``, not a 500."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise taken from None


# --- Companies ---------------------------------------------------------------------


def _refresh_company(company: ContractorCompany, source: str) -> None:
    """Every pass of the company's workers follows a change of the company (blacklist,
    licence, project), once the change has committed."""
    from safeloop.contractors.services.passes import refresh_after_commit

    refresh_after_commit(ContractorWorker.objects.filter(company_id=company.pk), source)


def _refresh_workers(workers, source: str) -> None:
    from safeloop.contractors.services.passes import refresh_after_commit

    refresh_after_commit(workers, source)


@transaction.atomic
def create_company(
    *, by, name: str, credit_code: str, contact_name: str = "", phone: str = ""
) -> ContractorCompany:
    """Register a contractor company under its (checked) unified social credit code."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    company = ContractorCompany(
        name=clean_text(name, "name", max_length=120),
        credit_code=_credit_code(credit_code, company=None),
        contact_name=clean_text(contact_name, "contact_name", max_length=60, required=False),
        phone=clean_text(phone, "phone", max_length=30, required=False),
    )
    _save_unique(company, _credit_code_taken())
    record_event(
        company,
        "contractors.company_created",
        by=by,
        name=company.name,
        credit_code=company.credit_code,
    )
    return company


@transaction.atomic
def update_company(
    company: ContractorCompany,
    *,
    by,
    name: str,
    credit_code: str,
    contact_name: str = "",
    phone: str = "",
) -> ContractorCompany:
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    company = ContractorCompany.objects.select_for_update().get(pk=company.pk)
    values = {
        "name": clean_text(name, "name", max_length=120),
        "credit_code": _credit_code(credit_code, company=company),
        "contact_name": clean_text(contact_name, "contact_name", max_length=60, required=False),
        "phone": clean_text(phone, "phone", max_length=30, required=False),
    }
    changed = {k: v for k, v in values.items() if getattr(company, k) != v}
    if not changed:
        return company
    for key, value in changed.items():
        setattr(company, key, value)
    _save_unique(company, _credit_code_taken())
    record_event(company, "contractors.company_updated", by=by, **changed)
    return company


@transaction.atomic
def blacklist_company(company: ContractorCompany, *, by, reason: str) -> ContractorCompany:
    """Put a company on the blacklist (黑名单): it can register no more workers."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    reason = clean_text(reason, "reason", max_length=200)
    company = ContractorCompany.objects.select_for_update().get(pk=company.pk)
    company.status = CompanyStatus.BLACKLISTED
    company.blacklist_reason = reason
    company.save(update_fields=["status", "blacklist_reason", "updated_at"])
    record_event(company, "contractors.company_blacklisted", by=by, reason=reason)
    _refresh_company(company, "blacklist")
    return company


def ensure_active(company: ContractorCompany, field: str = "company") -> None:
    """Refuse work for a blacklisted company (read afresh: the caller's copy may be old)."""
    status, reason = ContractorCompany.objects.values_list("status", "blacklist_reason").get(
        pk=company.pk
    )
    if status == CompanyStatus.BLACKLISTED:
        raise field_error(
            field,
            _("%(company)s is blacklisted: %(reason)s")
            % {"company": company.name, "reason": reason},
            ContractorErrorCode.BLACKLISTED,
        )


# --- Qualifications ----------------------------------------------------------------


def add_qualification(
    company: ContractorCompany,
    *,
    by,
    kind: str,
    number: str,
    valid_until: date | None,
    file=None,
    today: date | None = None,
) -> Qualification:
    """Record a licence or qualification certificate (with its scan); an expired one is refused."""
    with photo_files_kept_on_success():
        return _add_qualification(company, by, kind, number, valid_until, file, today)


@transaction.atomic
def _add_qualification(company, by, kind, number, valid_until, file, today) -> Qualification:
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    if kind not in QualificationKind.values:
        raise field_error("kind", _("Choose a kind of licence."), ContractorErrorCode.INVALID)
    number = clean_text(number, "number", max_length=60)
    if valid_until is not None and valid_until < (today or local_today()):
        raise field_error(
            "valid_until", _("This licence has already expired."), ContractorErrorCode.EXPIRED
        )
    if Qualification.objects.filter(company=company, kind=kind, number=number).exists():
        raise field_error(
            "number",
            _("This licence is already recorded for the company."),
            ContractorErrorCode.TAKEN,
        )
    qualification = Qualification(
        company=company, kind=kind, number=number, valid_until=valid_until
    )
    if file:
        content, suffix = checked_scan(file, field="file")
        ensure_storage_room(len(content), field="file")
        store_photo(qualification.file, f"{kind}{suffix}", content, field="file")
    qualification.save()
    record_event(
        qualification,
        "contractors.qualification_added",
        by=by,
        company=company.pk,
        kind=kind,
        number=number,
        valid_until=valid_until,
    )
    _refresh_company(company, "qualification")
    return qualification


# --- Projects and crews ------------------------------------------------------------


def check_project_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise field_error(
            "ends_on", _("The project cannot end before it starts."), ContractorErrorCode.DATES
        )


def check_responsible(responsible: Person) -> None:
    """The enterprise answers for a project through one of its own employees who can
    still sign in (never a contractor's or supplier's person)."""
    person = Person.objects.select_related("user").get(pk=responsible.pk)
    if person.kind != PersonKind.EMPLOYEE:
        raise field_error(
            "responsible",
            _("The responsible person must be one of the enterprise's employees."),
            ContractorErrorCode.INVALID,
        )
    if not person.user.is_active:
        raise field_error(
            "responsible",
            _("The responsible person is no longer active."),
            ContractorErrorCode.INVALID,
        )


def check_crew_lead(lead: ContractorWorker, company_id: int) -> None:
    if lead.company_id != company_id:
        raise field_error(
            "lead",
            _("The crew lead must work for this company."),
            ContractorErrorCode.WRONG_COMPANY,
        )
    if lead.blacklisted_at is not None:
        raise field_error(
            "lead",
            _("%(name)s is blacklisted and cannot lead a crew.") % {"name": lead.name},
            ContractorErrorCode.BLACKLISTED,
        )


def crew_name_taken() -> ValidationError:
    return field_error(
        "name", _("The company already has a crew of this name."), ContractorErrorCode.TAKEN
    )


@transaction.atomic
def create_project(
    company: ContractorCompany,
    *,
    by,
    name: str,
    starts_on: date,
    ends_on: date,
    responsible: Person,
    areas: Iterable[Area] = (),
) -> Project:
    """A project or work order the company does here, with the enterprise's responsible person."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    ensure_active(company)
    name = clean_text(name, "name", max_length=120)
    check_project_dates(starts_on, ends_on)
    check_responsible(responsible)
    project = Project.objects.create(
        company=company, name=name, starts_on=starts_on, ends_on=ends_on, responsible=responsible
    )
    areas = list(areas)
    project.areas.set(areas)
    record_event(
        project,
        "contractors.project_created",
        by=by,
        company=company.pk,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        responsible=responsible.pk,
        areas=sorted(area.pk for area in areas),
    )
    _refresh_company(company, "project")
    return project


def check_crew(
    company_id: int,
    *,
    name: str,
    project: Project | None,
    lead: ContractorWorker | None,
    crew_id: int | None = None,
) -> str:
    """A crew's name (cleaned, returned), project and lead, checked for the company:
    the name free among its other crews, the project and the lead its own."""
    name = clean_text(name, "name", max_length=60)
    if project is not None and project.company_id != company_id:
        raise field_error(
            "project", _("This project is another company's."), ContractorErrorCode.WRONG_COMPANY
        )
    if lead is not None:
        check_crew_lead(lead, company_id)
    if Crew.objects.filter(company_id=company_id, name=name).exclude(pk=crew_id).exists():
        raise crew_name_taken()
    return name


@transaction.atomic
def create_crew(
    company: ContractorCompany,
    *,
    by,
    name: str,
    project: Project | None = None,
    lead: ContractorWorker | None = None,
) -> Crew:
    """A crew (班组) of the company, optionally on one of its projects and with a lead."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    ensure_active(company)
    name = check_crew(company.pk, name=name, project=project, lead=lead)
    crew = Crew(company=company, name=name, project=project, lead=lead)
    _save_unique(crew, crew_name_taken())
    if lead is not None:
        ContractorWorker.objects.filter(pk=lead.pk).update(crew=crew)
        _refresh_workers([lead], "crew")
    record_event(
        crew,
        "contractors.crew_created",
        by=by,
        company=company.pk,
        name=name,
        project=project.pk if project else None,
        lead=lead.pk if lead else None,
    )
    return crew


@transaction.atomic
def set_crew_lead(crew: Crew, *, by, lead: ContractorWorker) -> Crew:
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    crew = Crew.objects.select_for_update().get(pk=crew.pk)
    check_crew_lead(lead, crew.company_id)
    crew.lead = lead
    crew.save(update_fields=["lead"])
    ContractorWorker.objects.filter(pk=lead.pk).update(crew=crew)
    record_event(crew, "contractors.crew_lead_set", by=by, lead=lead.pk)
    _refresh_company(crew.company, "crew")
    return crew


# --- Expiry ------------------------------------------------------------------------


class Expiry:
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"


def expiry_status(
    valid_until: date | None, today: date | None = None, soon_days: int = EXPIRING_SOON_DAYS
) -> str:
    """Valid, expiring (within ``soon_days``) or expired; no end date is valid."""
    today = today or local_today()
    if valid_until is None or valid_until > today + timedelta(days=soon_days):
        return Expiry.VALID
    return Expiry.EXPIRED if valid_until < today else Expiry.EXPIRING


def expiry_label(status: str) -> str:
    return {
        Expiry.VALID: _("Valid"),
        Expiry.EXPIRING: _("Expiring soon"),
        Expiry.EXPIRED: _("Expired"),
    }[status]


@dataclass(frozen=True)
class Expiring:
    """Qualifications and certificates whose end date is at most ``days`` away (or past)."""

    qualifications: QuerySet[Qualification]
    certificates: QuerySet[SpecialCertificate]


def expiring(days: int, *, today: date | None = None, include_expired: bool = True) -> Expiring:
    """What runs out within ``days`` days, soonest first (the reminders and the gate
    check will ask this); expired ones too unless ``include_expired`` is off."""
    today = today or local_today()
    horizon = today + timedelta(days=days)
    window = {"valid_until__lte": horizon}
    if not include_expired:
        window["valid_until__gte"] = today
    return Expiring(
        qualifications=Qualification.objects.filter(**window)
        .select_related("company")
        .order_by("valid_until", "id"),
        certificates=SpecialCertificate.objects.filter(**window)
        .select_related("worker__company")
        .order_by("valid_until", "id"),
    )
