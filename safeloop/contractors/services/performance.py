"""Contractor performance (承包商绩效): hazards, violations, gate refusals and suspended
passes per company and per crew over a period, a score from 0 to 100, and the
blacklist.

What counts for a company (and, where it can be told, for one of its crews):

- **Hazards** (隐患) reported in the period that are linked to the company:
  hazards reported at an area of one of its projects while the project ran (for a
  crew: at its project's areas); hazards assigned to one of its crew leads (for
  that crew); and hazards raised from the self-inspection report of a supplier
  with the company's credit code (the same firm supplying and contracting). A
  hazard linked in several ways counts once.
- **Violations** (违章): a manager's decision against the company or its people in
  the period, read from the audit trail: a pass revoked, a worker blacklisted,
  the company blacklisted.
- **Gate refusals** (门岗拒绝): entries refused at the gate in the period
  (:class:`GateEvent`, ``allowed`` false).
- **Passes suspended** (出入证暂停): suspensions in the period, read from the audit
  trail (one event per pass on a change, one per chunk of the daily scan).

The score is transparent on purpose: penalty points (a violation 5, a hazard 3, a
gate refusal 1, a suspended pass 1) per worker, times 10, taken from 100, floored
at 0; a blacklisted company scores 0. Everything is read in a fixed number of
queries whatever the number of companies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from safeloop.access import ensure_can
from safeloop.contractors.models import (
    ContractorCompany,
    ContractorWorker,
    Crew,
    GateDirection,
    GateEvent,
    Project,
    SitePass,
    SupplierHazard,
)
from safeloop.contractors.permissions import ContractorPerm
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.hazards.models import Hazard

PERIODS = (30, 90, 180, 365)
DEFAULT_DAYS = 90
WEIGHTS = {"violations": 5, "hazards": 3, "refusals": 1, "suspended": 1}
POINTS_PER_PENALTY = 10

_VIOLATION_VERBS = (
    "contractors.pass_revoked",
    "contractors.worker_blacklisted",
    "contractors.company_blacklisted",
)
_SUSPENSION_VERBS = ("contractors.pass_suspended", "contractors.passes_scanned")
_PASS = SitePass._meta.label_lower
_WORKER = ContractorWorker._meta.label_lower
_COMPANY = ContractorCompany._meta.label_lower


@dataclass
class Standing:
    """One company's or crew's figures over the period."""

    name: str
    company_id: int
    crew_id: int | None = None
    workers: int = 0
    blacklisted: bool = False
    hazard_ids: set[int] = field(default_factory=set)
    violations: int = 0
    refusals: int = 0
    suspended: int = 0

    @property
    def hazards(self) -> int:
        return len(self.hazard_ids)

    @property
    def penalty(self) -> int:
        return (
            WEIGHTS["violations"] * self.violations
            + WEIGHTS["hazards"] * self.hazards
            + WEIGHTS["refusals"] * self.refusals
            + WEIGHTS["suspended"] * self.suspended
        )

    @property
    def score(self) -> int:
        if self.blacklisted:
            return 0
        per_worker = self.penalty / max(self.workers, 1)
        return max(0, round(100 - POINTS_PER_PENALTY * per_worker))


@dataclass(frozen=True)
class BlacklistEntry:
    kind: str  # "company" or "worker"
    name: str
    company: str
    company_id: int
    reason: str
    since: datetime | None


@dataclass
class Performance:
    days: int
    since: datetime
    companies: list[Standing]
    crews: list[Standing]
    blacklist: list[BlacklistEntry]


def clean_days(value) -> int:
    """The period asked for, one of :data:`PERIODS` (anything else: the default)."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_DAYS
    return days if days in PERIODS else DEFAULT_DAYS


def contractor_performance(*, by, days: int = DEFAULT_DAYS, now: datetime | None = None):
    """Every company's and crew's standing over the last ``days`` days."""
    ensure_can(by, ContractorPerm.CONTRACTOR_VIEW)
    now = now or timezone.now()
    since = now - timedelta(days=days)
    rows = list(
        ContractorCompany.objects.annotate(worker_count=Count("workers")).only(
            "id", "name", "status", "credit_code", "blacklist_reason", "updated_at"
        )
    )
    companies = {
        c.pk: Standing(c.name, c.pk, workers=c.worker_count, blacklisted=c.is_blacklisted)
        for c in rows
    }
    crew_rows = list(
        Crew.objects.annotate(worker_count=Count("workers")).values(
            "id", "name", "company_id", "project_id", "lead__person_id", "worker_count"
        )
    )
    crews = {
        r["id"]: Standing(r["name"], r["company_id"], r["id"], workers=r["worker_count"])
        for r in crew_rows
    }
    for crew in crews.values():
        crew.blacklisted = companies[crew.company_id].blacklisted

    def both(company_id, crew_id):
        targets = [companies[company_id]] if company_id in companies else []
        if crew_id in crews:
            targets.append(crews[crew_id])
        return targets

    _count_refusals(since, now, both)
    _count_audit(since, now, both, companies)
    _count_hazards(since, now, companies, crews, crew_rows)
    codes = {c.credit_code: c.pk for c in rows}
    _count_supplier_hazards(since, now, companies, codes)
    return Performance(
        days,
        since,
        sorted(companies.values(), key=lambda s: (s.score, s.name)),
        sorted(crews.values(), key=lambda s: (s.score, s.name)),
        _blacklist([c for c in rows if c.is_blacklisted]),
    )


def _count_refusals(since, now, both) -> None:
    refused = (
        GateEvent.objects.filter(
            at__gte=since, at__lte=now, allowed=False, direction=GateDirection.IN
        )
        .values("company_id", "worker__crew_id")
        .annotate(n=Count("id"))
    )
    for row in refused:
        for standing in both(row["company_id"], row["worker__crew_id"]):
            standing.refusals += row["n"]


def _count_audit(since, now, both, companies) -> None:
    events = AuditEvent.objects.filter(
        occurred_at__gte=since,
        occurred_at__lte=now,
        verb__in=_VIOLATION_VERBS + _SUSPENSION_VERBS,
    ).values_list("verb", "object_type", "object_id", "data")
    suspended_pass_ids, suspended_numbers, revoked_pass_ids, worker_ids = [], [], [], []
    for verb, object_type, object_id, data in events:
        if verb == "contractors.passes_scanned":
            suspended_numbers.extend(data.get("suspended", []))
        elif verb == "contractors.pass_suspended" and object_type == _PASS:
            suspended_pass_ids.append(int(object_id))
        elif verb == "contractors.pass_revoked" and object_type == _PASS:
            revoked_pass_ids.append(int(object_id))
        elif verb == "contractors.worker_blacklisted" and object_type == _WORKER:
            worker_ids.append(int(object_id))
        elif verb == "contractors.company_blacklisted" and object_type == _COMPANY:
            standing = companies.get(int(object_id))
            if standing is not None:
                standing.violations += 1
    # One query for every pass named (by id or by number) and every worker named.
    passes = SitePass.objects.filter(
        Q(pk__in=suspended_pass_ids + revoked_pass_ids) | Q(number__in=suspended_numbers)
    ).values_list("pk", "number", "worker__company_id", "worker__crew_id")
    by_pk, by_number = {}, {}
    for pk, number, company_id, crew_id in passes:
        by_pk[pk] = by_number[number] = (company_id, crew_id)
    for key, lookup, attribute in (
        *((pk, by_pk, "suspended") for pk in suspended_pass_ids),
        *((number, by_number, "suspended") for number in suspended_numbers),
        *((pk, by_pk, "violations") for pk in revoked_pass_ids),
    ):
        if key in lookup:
            for standing in both(*lookup[key]):
                setattr(standing, attribute, getattr(standing, attribute) + 1)
    for company_id, crew_id in ContractorWorker.objects.filter(pk__in=worker_ids).values_list(
        "company_id", "crew_id"
    ):
        for standing in both(company_id, crew_id):
            standing.violations += 1


def _count_hazards(since, now, companies, crews, crew_rows) -> None:
    # Areas of each project, with the project's company and dates.
    by_area: dict[int, list[tuple[int, int, date, date]]] = defaultdict(list)
    for (
        area_id,
        project_id,
        company_id,
        starts_on,
        ends_on,
    ) in Project.areas.through.objects.values_list(
        "area_id", "project_id", "project__company_id", "project__starts_on", "project__ends_on"
    ):
        by_area[area_id].append((project_id, company_id, starts_on, ends_on))
    crews_of_project: dict[int, list[int]] = defaultdict(list)
    crew_of_lead: dict[int, int] = {}
    for row in crew_rows:
        if row["project_id"]:
            crews_of_project[row["project_id"]].append(row["id"])
        if row["lead__person_id"]:
            crew_of_lead[row["lead__person_id"]] = row["id"]
    hazards = Hazard.objects.filter(
        Q(area_id__in=list(by_area)) | Q(assignee_id__in=list(crew_of_lead)),
        reported_at__gte=since,
        reported_at__lte=now,
    ).values_list("pk", "area_id", "assignee_id", "reported_at")
    for pk, area_id, assignee_id, reported_at in hazards:
        day = timezone.localdate(reported_at)
        for project_id, company_id, starts_on, ends_on in by_area.get(area_id, ()):
            if starts_on <= day <= ends_on and company_id in companies:
                companies[company_id].hazard_ids.add(pk)
                for crew_id in crews_of_project.get(project_id, ()):
                    crews[crew_id].hazard_ids.add(pk)
        crew_id = crew_of_lead.get(assignee_id)
        if crew_id is not None:
            crews[crew_id].hazard_ids.add(pk)
            companies[crews[crew_id].company_id].hazard_ids.add(pk)


def _count_supplier_hazards(since, now, companies, codes) -> None:
    """A supplier that is also a contractor (the same credit code): its report's
    hazards count for the company."""
    supplied = SupplierHazard.objects.filter(
        supplier__credit_code__in=list(codes),
        hazard__reported_at__gte=since,
        hazard__reported_at__lte=now,
    ).values_list("supplier__credit_code", "hazard_id")
    for code, hazard_id in supplied:
        companies[codes[code]].hazard_ids.add(hazard_id)


def _blacklist(companies: list[ContractorCompany]) -> list[BlacklistEntry]:
    entries = [
        BlacklistEntry("company", c.name, c.name, c.pk, c.blacklist_reason, c.updated_at)
        for c in companies
    ]
    entries += [
        BlacklistEntry(
            "worker", w.name, w.company.name, w.company_id, w.blacklist_reason, w.blacklisted_at
        )
        for w in ContractorWorker.objects.filter(blacklisted_at__isnull=False)
        .select_related("company")
        .only("name", "blacklist_reason", "blacklisted_at", "company__name")
        .order_by("-blacklisted_at")
    ]
    return entries
