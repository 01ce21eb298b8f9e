"""The crew leads' portal (班组长门户): who may sign in as a crew lead, and how (a
password a manager set, or a one-time code by SMS), what a lead sees of their crews
(each worker's pass and exactly what still stands in its way, the hazards assigned to
them), and who hears of a crew's overdue hazard one level up.

A crew lead is a contractor's worker whom a crew names as its ``lead``; they sign in
as their ``Person`` (kind "contractor", role crew lead) and see only their own
company's crews. Every sign-in, refused or not, is in the audit trail.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from safeloop.access import Role, ensure_can
from safeloop.contractors.models import (
    CompanyStatus,
    ContractorWorker,
    Crew,
    CrewSignInCode,
    PassStatus,
)
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.services.companies import set_crew_lead
from safeloop.contractors.services.induction import ensure_person
from safeloop.contractors.services.passes import Eligibility, evaluate_many
from safeloop.platform.errors import field_error
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Person
from safeloop.tenants.hazards.models import OPEN_STATES, Hazard

log = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_VALID_MINUTES = 10
CODE_MAX_ATTEMPTS = 5


class CrewSignInErrorCode:
    WRONG_PASSWORD = "wrong_password"
    WRONG_CODE = "wrong_code"
    EXPIRED = "expired"
    TOO_MANY_ATTEMPTS = "too_many_attempts"
    REQUIRED = "required"


def normalize_phone(value: str) -> str:
    """The digits of a Chinese mobile number as people type it: "+86 139-0013-9000",
    "0086 13900139000" and "13900139000" are one phone."""
    digits = re.sub(r"\D", "", value or "")
    for prefix in ("0086", "86"):
        if len(digits) == len(prefix) + 11 and digits.startswith(prefix):
            return digits[len(prefix) :]
    return digits


def _leads() -> QuerySet[ContractorWorker]:
    """Workers a crew names as its lead, of a company in good standing, not blacklisted."""
    return ContractorWorker.objects.filter(
        Exists(Crew.objects.filter(lead=OuterRef("pk"))),
        blacklisted_at__isnull=True,
        company__status=CompanyStatus.ACTIVE,
    ).select_related("company", "person__user")


def lead_for_phone(phone: str) -> ContractorWorker | None:
    """The crew lead whose phone this is; None when nobody (or more than one worker:
    a phone shared across companies must not open either company's crews)."""
    wanted = normalize_phone(phone)
    if len(wanted) < 7:
        return None
    found = [w for w in _leads().exclude(phone="") if normalize_phone(w.phone) == wanted]
    if len(found) > 1:
        log.warning("crew sign-in: %d crew leads share one phone; none signed in", len(found))
    return found[0] if len(found) == 1 else None


def lead_of_user(user) -> ContractorWorker | None:
    """The crew lead signed in as ``user``, while they still lead a crew of a company in
    good standing (a session outlives a change of lead or a blacklisting)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    person = getattr(user, "person", None)
    if person is None or not person.is_outsider or Role.CREW_LEAD.value not in person.roles:
        return None
    return _leads().filter(person__user=user).first()


# --- Signing in ----------------------------------------------------------------------


def _audit_refusal(worker: ContractorWorker | None, phone: str, method: str, reason: str):
    record_event(
        worker,
        "contractors.crew_sign_in_refused",
        object_type="" if worker else "contractors.crewsignin",
        object_id="" if worker else "-",
        method=method,
        reason=reason,
        phone_tail=normalize_phone(phone)[-4:],
    )


def _signed_in(worker: ContractorWorker, method: str) -> Person:
    person = ensure_person(worker, role=Role.CREW_LEAD)
    record_event(worker, "contractors.crew_signed_in", by=person.user, method=method)
    return person


def sign_in_with_password(phone: str, password: str) -> Person:
    """The person a crew lead signs in as, for the right phone and password; one
    message for every refusal, so the page does not say which phones are leads'."""
    refusal = field_error(
        "password", _("Wrong phone number or password."), CrewSignInErrorCode.WRONG_PASSWORD
    )
    with transaction.atomic():
        worker = lead_for_phone(phone)
        user = worker.person.user if worker is not None and worker.person_id else None
        if user is None or not user.is_active or not user.check_password(password or ""):
            _audit_refusal(worker, phone, "password", "not_a_lead" if worker is None else "wrong")
            ok = False
        else:
            ok = True
            person = _signed_in(worker, "password")
    if not ok:
        raise refusal
    return person


def _code_hash(code_row_key: str, code: str) -> str:
    return salted_hmac(
        "safeloop.contractors.crew_sign_in_code", f"{code_row_key}:{code}", algorithm="sha256"
    ).hexdigest()


def send_sign_in_code(phone: str) -> bool:
    """Text a fresh six-digit code to a crew lead's phone (an earlier code stops
    counting). Says whether one was sent; the page answers alike either way."""
    with transaction.atomic():
        worker = lead_for_phone(phone)
        if worker is None:
            _audit_refusal(None, phone, "code", "not_a_lead")
            return False
        now = timezone.now()
        CrewSignInCode.objects.filter(worker=worker, used_at__isnull=True).update(used_at=now)
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        row = CrewSignInCode.objects.create(
            worker=worker,
            phone=normalize_phone(phone),
            code_hash="-",
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_VALID_MINUTES),
        )
        row.code_hash = _code_hash(str(row.pk), code)
        row.save(update_fields=["code_hash"])
        record_event(
            worker, "contractors.crew_sign_in_code_sent", code=row.pk, expires_at=row.expires_at
        )
    text = _("SafeLoop sign-in code %(code)s, valid for %(n)d minutes. Do not share it.") % {
        "code": code,
        "n": CODE_VALID_MINUTES,
    }
    from safeloop.tenants.alerts.channels.sms import get_backend

    try:
        get_backend().send(
            worker.phone, text, key=f"{connection.schema_name}.crew-sign-in.{row.pk}"
        )
    except Exception as exc:  # noqa: BLE001 — the lead asks again; nothing else to undo
        log.warning("crew sign-in code %s not sent: %s", row.pk, exc)
        return False
    return True


def sign_in_with_code(phone: str, code: str) -> Person:
    """The person a crew lead signs in as, for the code last sent to this phone.
    A wrong code costs one of the code's attempts; expired, spent or exhausted codes
    say so (ask for a new one)."""
    code = re.sub(r"\s", "", code or "")
    error: ValidationError | None = None
    with transaction.atomic():
        worker = lead_for_phone(phone)
        row = (
            CrewSignInCode.objects.select_for_update()
            .filter(worker=worker, used_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
            if worker is not None
            else None
        )
        if row is None:
            error = field_error(
                "code", _("Wrong code. Check the SMS or ask for a new code."), "wrong_code"
            )
            _audit_refusal(worker, phone, "code", "no_code")
        elif row.expires_at <= timezone.now():
            error = field_error(
                "code",
                _("This code has expired. Ask for a new code."),
                CrewSignInErrorCode.EXPIRED,
            )
            _audit_refusal(worker, phone, "code", "expired")
        elif row.attempts >= CODE_MAX_ATTEMPTS:
            error = _too_many()
            _audit_refusal(worker, phone, "code", "too_many_attempts")
        elif not constant_time_compare(row.code_hash, _code_hash(str(row.pk), code)):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            error = (
                _too_many()
                if row.attempts >= CODE_MAX_ATTEMPTS
                else field_error(
                    "code",
                    _("Wrong code. Check the SMS or ask for a new code."),
                    CrewSignInErrorCode.WRONG_CODE,
                )
            )
            _audit_refusal(worker, phone, "code", "wrong")
        else:
            row.used_at = timezone.now()
            row.save(update_fields=["used_at"])
            person = _signed_in(worker, "code")
    if error is not None:
        raise error
    return person


def _too_many() -> ValidationError:
    return field_error(
        "code",
        _("Too many wrong codes. Ask for a new code."),
        CrewSignInErrorCode.TOO_MANY_ATTEMPTS,
    )


# --- The manager's side --------------------------------------------------------------


@transaction.atomic
def give_crew_lead_access(crew: Crew, *, by, lead: ContractorWorker, password: str = "") -> Person:
    """Make ``lead`` the crew's lead (the one before loses the portal unless they lead
    another crew), give them their sign-in person and, when given, a new password;
    without one they sign in by SMS code."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    before = crew.lead
    if crew.lead_id != lead.pk:
        crew = set_crew_lead(crew, by=by, lead=lead)
    if not lead.phone.strip() and not password:
        raise field_error(
            "password",
            _("This worker has no phone on file: set a password, or add the phone first."),
            CrewSignInErrorCode.REQUIRED,
        )
    person = ensure_person(lead, role=Role.CREW_LEAD)
    if password:
        try:
            validate_password(password, person.user)
        except ValidationError as exc:
            raise ValidationError({"password": exc.error_list}) from None
        person.user.set_password(password)
        person.user.save(update_fields=["password"])
        record_event(lead, "contractors.crew_lead_password_set", by=by, crew=crew.pk)
    if before is not None and before.pk != lead.pk:
        _drop_lead_role(before, by=by)
    return person


def _drop_lead_role(worker: ContractorWorker, *, by) -> None:
    if Crew.objects.filter(lead=worker).exists() or worker.person_id is None:
        return
    person = worker.person
    if Role.CREW_LEAD.value in person.roles:
        person.roles = [r for r in person.roles if r != Role.CREW_LEAD.value]
        person.save(update_fields=["roles"])
        record_event(person, "person.roles_changed", by=by, roles=person.roles)


# --- What a lead sees ----------------------------------------------------------------


@dataclass(frozen=True)
class CrewMember:
    worker: ContractorWorker
    eligibility: Eligibility
    # "active", "suspended", "revoked" or "" (no pass yet).
    pass_status: str

    @property
    def ok(self) -> bool:
        return self.eligibility.ok and self.pass_status == PassStatus.ACTIVE

    @property
    def lacks(self) -> list[str]:
        return [lack.text() for lack in self.eligibility.lacks]


@dataclass(frozen=True)
class CrewView:
    crew: Crew
    members: list[CrewMember]


def crews_of(lead: ContractorWorker) -> list[CrewView]:
    """The lead's crews (of their own company only) and each worker's standing, in a
    fixed number of queries whatever the crews' size."""
    crews = list(
        Crew.objects.filter(lead=lead, company_id=lead.company_id)
        .select_related("project")
        .order_by("name", "id")
    )
    workers = list(
        ContractorWorker.objects.filter(crew__in=crews, company_id=lead.company_id)
        .select_related("site_pass")
        .order_by("name", "id")
    )
    verdicts = evaluate_many(workers)
    views = []
    for crew in crews:
        members = []
        for worker in workers:
            if worker.crew_id != crew.pk:
                continue
            site_pass = getattr(worker, "site_pass", None)
            members.append(
                CrewMember(worker, verdicts[worker.pk], site_pass.status if site_pass else "")
            )
        views.append(CrewView(crew, members))
    return views


def open_hazards_of(lead: ContractorWorker) -> QuerySet[Hazard]:
    """The open hazards assigned to the lead, soonest deadline first."""
    if lead.person_id is None:
        return Hazard.objects.none()
    return (
        Hazard.objects.filter(assignee_id=lead.person_id, state__in=OPEN_STATES)
        .select_related("area")
        .order_by("deadline", "id")
    )


def crew_escalation(hazard: Hazard) -> list:
    """The first level above a crew lead an overdue hazard is assigned to: the project's
    responsible person (of the enterprise), for each crew the lead leads."""
    if hazard.assignee_id is None:
        return []
    projects = (
        Crew.objects.filter(lead__person_id=hazard.assignee_id, project__isnull=False)
        .select_related("project__responsible__user")
        .order_by("id")
    )
    users = []
    for crew in projects:
        user = crew.project.responsible.user
        if user.is_active and user not in users:
            users.append(user)
    return users


def gate_link_sites():
    """The sites whose gate link a lead may hand to a new worker."""
    from safeloop.contractors.services.gate import gate_sites, gate_token

    return [(site, gate_token(site)) for site in gate_sites()]
