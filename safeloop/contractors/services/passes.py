"""Induction and site passes (入场条件与出入证): the one place that decides whether a
contractor's worker may enter.

A worker holds a pass while every requirement holds:
- neither the worker nor the company is blacklisted;
- the company has a project running today (the worker's crew's, or any of its own);
- every company qualification kind on file is valid (the latest of each kind);
- every induction requirement for the worker's work types and project is met: the
  course's training certificate (learning) is valid, the special operation
  certificate of that kind is valid;
- the active safety briefing (the project's, and the site's) is signed in its
  current version.

The pass is valid until the earliest expiry among them. :func:`refresh_pass` issues,
suspends (with the first reason, in the enterprise's language, audited) and restores
passes; it runs after every change that can matter (certificates, exams, briefings,
qualifications, blacklists, projects, requirements) and, for what time alone ends,
in the daily scan :func:`scan_expired`, which reads only the passes whose validity
ended. The gate's check (:func:`check_pass`) evaluates afresh, so a pass is never
green past its expiry even before the scan runs.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safeloop.access import ensure_can
from safeloop.contractors.models import (
    BriefingSignature,
    CertificateKind,
    CompanyStatus,
    ContractorWorker,
    InductionRequirement,
    PassStatus,
    Project,
    Qualification,
    QualificationKind,
    SafetyBriefing,
    SitePass,
)
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.services.companies import clean_text, local_today
from safeloop.tenants.audit.services import record_event

# The short names a guard reads (焊工证已过期), by special operation type.
CERTIFICATE_SHORT = {
    CertificateKind.ELECTRICAL: gettext_lazy("Electrician's certificate"),
    CertificateKind.WELDING: gettext_lazy("Welder's certificate"),
    CertificateKind.HEIGHT: gettext_lazy("Work-at-height certificate"),
    CertificateKind.REFRIGERATION: gettext_lazy("Refrigeration work certificate"),
    CertificateKind.HAZARDOUS_CHEMICALS: gettext_lazy("Hazardous chemicals work certificate"),
    CertificateKind.METALLURGY: gettext_lazy("Metallurgy work certificate"),
    CertificateKind.MINE: gettext_lazy("Mine safety work certificate"),
}


QUALIFICATION_LABELS = dict(QualificationKind.choices)


class LackCode:
    WORKER_BLACKLISTED = "worker_blacklisted"
    COMPANY_BLACKLISTED = "company_blacklisted"
    NO_PROJECT = "no_project"
    QUALIFICATION_EXPIRED = "qualification_expired"
    CERTIFICATE_MISSING = "certificate_missing"
    CERTIFICATE_EXPIRED = "certificate_expired"
    COURSE_NOT_PASSED = "course_not_passed"
    COURSE_EXPIRED = "course_expired"
    BRIEFING_UNSIGNED = "briefing_unsigned"
    # Not requirements: what the gate finds about the pass itself.
    REVOKED = "revoked"
    UNKNOWN_PASS = "unknown_pass"


@dataclass(frozen=True)
class Lack:
    """One requirement that does not hold. ``text()`` words it in the active language
    (a guard's phone, a crew lead's portal, the audit in the enterprise's language)."""

    code: str
    # A lazy label or a title; ``subject_en`` is the English title when there is one.
    subject: object = ""
    on: date | None = None
    subject_en: str = ""
    detail: str = ""
    # What to open to fix it, when the worker can: a course id, a briefing id.
    course_id: int | None = None
    briefing_id: int | None = None

    def text(self) -> str:
        when = self.on.isoformat() if self.on else ""
        english = (translation.get_language() or "").startswith("en")
        subject = str(self.subject_en if english and self.subject_en else self.subject)
        match self.code:
            case LackCode.WORKER_BLACKLISTED:
                return _("Blacklisted: %(reason)s") % {"reason": self.detail}
            case LackCode.COMPANY_BLACKLISTED:
                return _("Company blacklisted: %(reason)s") % {"reason": self.detail}
            case LackCode.NO_PROJECT:
                return _("The company has no project running today")
            case LackCode.QUALIFICATION_EXPIRED:
                return _("Company's %(licence)s expired on %(date)s") % {
                    "licence": subject,
                    "date": when,
                }
            case LackCode.CERTIFICATE_MISSING:
                return _("No %(certificate)s on file") % {"certificate": subject}
            case LackCode.CERTIFICATE_EXPIRED:
                return _("%(certificate)s expired on %(date)s") % {
                    "certificate": subject,
                    "date": when,
                }
            case LackCode.COURSE_NOT_PASSED:
                return _("Exam of “%(course)s” not passed yet") % {"course": subject}
            case LackCode.COURSE_EXPIRED:
                return _("Training certificate of “%(course)s” expired on %(date)s") % {
                    "course": subject,
                    "date": when,
                }
            case LackCode.BRIEFING_UNSIGNED:
                return _("Safety briefing “%(title)s” not signed") % {"title": subject}
            case LackCode.REVOKED:
                return _("Pass revoked: %(reason)s") % {"reason": self.detail}
            case _:
                return _("Not a valid site pass of this site")


@dataclass(frozen=True)
class Eligibility:
    worker: ContractorWorker
    lacks: tuple[Lack, ...]
    # The earliest expiry among the requirements (None: nothing expires).
    valid_until: date | None
    project: Project | None
    briefings: tuple[SafetyBriefing, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.lacks

    def reasons(self) -> list[str]:
        return [lack.text() for lack in self.lacks]


def _min(*days: date | None) -> date | None:
    present = [d for d in days if d is not None]
    return min(present) if present else None


def _text_hash(briefing: SafetyBriefing) -> str:
    return hashlib.sha256(f"{briefing.title}\n{briefing.body}".encode()).hexdigest()


class _Facts:
    """Everything the rules read for a batch of workers, in a fixed number of queries
    whatever the batch's size (the daily scan reads thousands)."""

    def __init__(self, workers: Sequence[ContractorWorker], today: date):
        from safeloop.learning.models import Certificate

        self.today = today
        company_ids = {w.company_id for w in workers}
        self.requirements = list(InductionRequirement.objects.select_related("course"))
        self.projects: dict[int, list[Project]] = defaultdict(list)
        for project in Project.objects.filter(
            company_id__in=company_ids, active=True, starts_on__lte=today, ends_on__gte=today
        ).order_by("ends_on", "id"):
            self.projects[project.company_id].append(project)
        # The latest expiry of each qualification kind, per company.
        self.qualifications: dict[int, dict[str, tuple[date, str]]] = defaultdict(dict)
        for q in Qualification.objects.filter(
            company_id__in=company_ids, valid_until__isnull=False
        ):
            kinds = self.qualifications[q.company_id]
            if q.kind not in kinds or kinds[q.kind][0] < q.valid_until:
                kinds[q.kind] = (q.valid_until, QUALIFICATION_LABELS.get(q.kind, q.kind))
        course_ids = {r.course_id for r in self.requirements if r.course_id}
        person_ids = {w.person_id for w in workers if w.person_id}
        # The best training certificate per (person, course): valid the longest.
        self.trained: dict[tuple[int, int], date | None] = {}
        self.trained_expired: dict[tuple[int, int], date] = {}
        if course_ids and person_ids:
            for person_id, course_id, valid_until in Certificate.objects.filter(
                person_id__in=person_ids, course_id__in=course_ids, revoked_at__isnull=True
            ).values_list("person_id", "course_id", "valid_until"):
                key = (person_id, course_id)
                if valid_until is not None and valid_until < today:
                    previous = self.trained_expired.get(key)
                    self.trained_expired[key] = max(previous or valid_until, valid_until)
                    continue
                if key in self.trained and self.trained[key] is None:
                    continue
                if valid_until is None or key not in self.trained:
                    self.trained[key] = valid_until
                else:
                    self.trained[key] = max(self.trained[key], valid_until)
        self.briefings = list(SafetyBriefing.objects.filter(active=True))
        self.signed: set[tuple[int, int, int]] = set()
        if self.briefings:
            self.signed = set(
                BriefingSignature.objects.filter(
                    worker__in=[w.pk for w in workers],
                    briefing__in=[b.pk for b in self.briefings],
                ).values_list("worker_id", "briefing_id", "version")
            )

    def project_of(self, worker: ContractorWorker) -> Project | None:
        running = self.projects.get(worker.company_id, [])
        crew_project = worker.crew.project_id if worker.crew_id and worker.crew else None
        for project in running:
            if project.pk == crew_project:
                return project
        return running[-1] if running and crew_project is None else None


def _evaluate(worker: ContractorWorker, facts: _Facts) -> Eligibility:
    today = facts.today
    lacks: list[Lack] = []
    ends: list[date | None] = []
    if worker.blacklisted_at is not None:
        lacks.append(Lack(LackCode.WORKER_BLACKLISTED, detail=worker.blacklist_reason))
    company = worker.company
    if company.status == CompanyStatus.BLACKLISTED:
        lacks.append(Lack(LackCode.COMPANY_BLACKLISTED, detail=company.blacklist_reason))
    project = facts.project_of(worker)
    if project is None:
        lacks.append(Lack(LackCode.NO_PROJECT))
    else:
        ends.append(project.ends_on)
    for valid_until, label in facts.qualifications.get(worker.company_id, {}).values():
        if valid_until < today:
            lacks.append(Lack(LackCode.QUALIFICATION_EXPIRED, subject=label, on=valid_until))
        else:
            ends.append(valid_until)
    types = set(worker.work_types)
    needed = [
        r
        for r in facts.requirements
        if (not r.work_type or r.work_type in types)
        and (r.project_id is None or (project is not None and r.project_id == project.pk))
    ]
    certificates = list(worker.certificates.all())
    seen_kinds: set[str] = set()
    seen_courses: set[int] = set()
    for requirement in needed:
        if requirement.certificate_kind and requirement.certificate_kind not in seen_kinds:
            kind = requirement.certificate_kind
            seen_kinds.add(kind)
            of_kind = [c.valid_until for c in certificates if c.kind == kind]
            subject = CERTIFICATE_SHORT.get(kind, kind)
            if not of_kind:
                lacks.append(Lack(LackCode.CERTIFICATE_MISSING, subject=subject))
            elif max(of_kind) < today:
                lacks.append(Lack(LackCode.CERTIFICATE_EXPIRED, subject=subject, on=max(of_kind)))
            else:
                ends.append(max(of_kind))
        elif requirement.course_id and requirement.course_id not in seen_courses:
            seen_courses.add(requirement.course_id)
            key = (worker.person_id or 0, requirement.course_id)
            title, title_en = requirement.course.title, requirement.course.title_en
            if key in facts.trained:
                ends.append(facts.trained[key])
            elif key in facts.trained_expired:
                lacks.append(
                    Lack(
                        LackCode.COURSE_EXPIRED,
                        subject=title,
                        subject_en=title_en,
                        on=facts.trained_expired[key],
                        course_id=requirement.course_id,
                    )
                )
            else:
                lacks.append(
                    Lack(
                        LackCode.COURSE_NOT_PASSED,
                        subject=title,
                        subject_en=title_en,
                        course_id=requirement.course_id,
                    )
                )
    briefings = tuple(
        b
        for b in facts.briefings
        if b.project_id is None or (project is not None and b.project_id == project.pk)
    )
    for briefing in briefings:
        if (worker.pk, briefing.pk, briefing.version) not in facts.signed:
            lacks.append(
                Lack(LackCode.BRIEFING_UNSIGNED, subject=briefing.title, briefing_id=briefing.pk)
            )
    return Eligibility(worker, tuple(lacks), _min(*ends), project, briefings)


def _workers(ids: Iterable[int]) -> list[ContractorWorker]:
    return list(
        ContractorWorker.objects.filter(pk__in=ids)
        .select_related("company", "crew")
        .prefetch_related("certificates")
        .order_by("pk")
    )


def evaluate_many(
    workers: Iterable[ContractorWorker], *, today: date | None = None
) -> dict[int, Eligibility]:
    """Each worker's eligibility by worker id, in a fixed number of queries."""
    return _evaluate_ids([w.pk for w in workers], today=today)


def _evaluate_ids(ids: Iterable[int], *, today: date | None = None) -> dict[int, Eligibility]:
    loaded = _workers(ids)
    facts = _Facts(loaded, today or local_today())
    return {w.pk: _evaluate(w, facts) for w in loaded}


def evaluate(worker: ContractorWorker, *, today: date | None = None) -> Eligibility:
    return evaluate_many([worker], today=today)[worker.pk]


def _in_enterprise_language(lack: Lack) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return lack.text()[:300]


def pass_number(worker: ContractorWorker) -> str:
    """The pass's printed number: the worker's, so two passes issued at once can't
    draw the same one (a worker holds one pass, reused across suspensions)."""
    return f"SP{worker.pk:06d}"


def _apply(
    worker: ContractorWorker, eligibility: Eligibility, *, by=None, source: str
) -> SitePass | None:
    site_pass = SitePass.objects.select_for_update().filter(worker=worker).first()
    if eligibility.ok:
        if site_pass is None:
            site_pass = SitePass.objects.create(
                worker=worker, number=pass_number(worker), valid_until=eligibility.valid_until
            )
            if eligibility.project is not None:
                site_pass.zones.set(eligibility.project.areas.all())
            record_event(
                site_pass,
                "contractors.pass_issued",
                by=by,
                worker=worker.pk,
                valid_until=eligibility.valid_until,
                source=source,
            )
        elif site_pass.status == PassStatus.SUSPENDED:
            site_pass.status = PassStatus.ACTIVE
            site_pass.reason = site_pass.reason_code = ""
            site_pass.valid_until = eligibility.valid_until
            site_pass.save()
            if eligibility.project is not None:
                site_pass.zones.set(eligibility.project.areas.all())
            record_event(
                site_pass,
                "contractors.pass_restored",
                by=by,
                valid_until=eligibility.valid_until,
                source=source,
            )
        elif (
            site_pass.status == PassStatus.ACTIVE
            and site_pass.valid_until != eligibility.valid_until
        ):
            site_pass.valid_until = eligibility.valid_until
            site_pass.save(update_fields=["valid_until", "updated_at"])
            record_event(
                site_pass,
                "contractors.pass_validity_changed",
                by=by,
                valid_until=eligibility.valid_until,
                source=source,
            )
        return site_pass
    if site_pass is None or site_pass.status == PassStatus.REVOKED:
        return site_pass
    first = eligibility.lacks[0]
    reason = _in_enterprise_language(first)
    if site_pass.status == PassStatus.ACTIVE or site_pass.reason != reason:
        site_pass.status = PassStatus.SUSPENDED
        site_pass.reason = reason
        site_pass.reason_code = first.code
        site_pass.save()
        record_event(
            site_pass,
            "contractors.pass_suspended",
            by=by,
            reason=reason,
            lacks=[lack.code for lack in eligibility.lacks],
            source=source,
        )
    return site_pass


def refresh_pass(
    worker: ContractorWorker, *, by=None, today: date | None = None, source: str = "change"
) -> SitePass | None:
    """Issue, suspend, restore or extend ``worker``'s pass after something changed."""
    with transaction.atomic():
        return _apply(worker, evaluate(worker, today=today), by=by, source=source)


def refresh_passes(
    workers: Iterable[ContractorWorker] | QuerySet,
    *,
    by=None,
    today: date | None = None,
    source: str = "change",
) -> int:
    """:func:`refresh_pass` for many workers at once (a company blacklisted, a
    requirement added); the number of workers evaluated."""
    judged = evaluate_many(workers, today=today)
    with transaction.atomic():
        for eligibility in judged.values():
            _apply(eligibility.worker, eligibility, by=by, source=source)
    return len(judged)


def refresh_after_commit(workers: Iterable[ContractorWorker] | QuerySet, source: str) -> None:
    """Refresh once the caller's transaction has committed (what changed is then
    visible, and a failure here cannot undo the change itself)."""
    ids = [w.pk for w in workers]
    transaction.on_commit(
        lambda: refresh_passes(ContractorWorker.objects.filter(pk__in=ids), source=source)
    )


@dataclass(frozen=True)
class ScanResult:
    checked: int
    suspended: int
    seconds: float


# The daily scan judges and writes this many passes at a time: a fixed number of
# queries and one audit event per chunk, whatever the day's count.
SCAN_CHUNK = 500


def scan_expired(*, today: date | None = None) -> ScanResult:
    """The daily scan: every active pass whose validity ended is judged again, and
    suspended with its reason (time alone ends a certificate; nothing else tells).

    Set-based: per chunk of :data:`SCAN_CHUNK` passes one evaluation
    (:func:`evaluate_many`), one bulk update for the suspended and one for those
    whose validity simply moved (a renewal the change did not reach), and one audit
    event ``contractors.passes_scanned`` with the counts and pass numbers.
    """
    import time

    started = time.perf_counter()
    today = today or local_today()
    ids = list(
        SitePass.objects.filter(status=PassStatus.ACTIVE, valid_until__lt=today)
        .order_by("worker_id")
        .values_list("worker_id", flat=True)
    )
    suspended = 0
    for start in range(0, len(ids), SCAN_CHUNK):
        suspended += _scan_chunk(ids[start : start + SCAN_CHUNK], today)
    return ScanResult(len(ids), suspended, time.perf_counter() - started)


def _scan_chunk(worker_ids: list[int], today: date) -> int:
    judged = _evaluate_ids(worker_ids, today=today)
    now = timezone.now()
    with transaction.atomic():
        # Locked and filtered again: a change since the list was read wins.
        passes = SitePass.objects.select_for_update().filter(
            worker_id__in=list(judged), status=PassStatus.ACTIVE, valid_until__lt=today
        )
        to_suspend: list[SitePass] = []
        to_extend: list[SitePass] = []
        with translation.override(settings.LANGUAGE_CODE):
            for site_pass in passes.only("id", "worker_id", "number", "valid_until"):
                eligibility = judged[site_pass.worker_id]
                site_pass.updated_at = now
                if eligibility.ok:
                    site_pass.valid_until = eligibility.valid_until
                    to_extend.append(site_pass)
                else:
                    first = eligibility.lacks[0]
                    site_pass.status = PassStatus.SUSPENDED
                    site_pass.reason = first.text()[:300]
                    site_pass.reason_code = first.code
                    to_suspend.append(site_pass)
        if to_suspend:
            SitePass.objects.bulk_update(
                to_suspend, ["status", "reason", "reason_code", "updated_at"]
            )
        if to_extend:
            SitePass.objects.bulk_update(to_extend, ["valid_until", "updated_at"])
        if to_suspend or to_extend:
            record_event(
                None,
                "contractors.passes_scanned",
                object_type=SitePass._meta.label_lower,
                object_id=f"scan:{today.isoformat()}",
                today=today,
                checked=len(judged),
                suspended_count=len(to_suspend),
                suspended=[p.number for p in to_suspend],
                reasons={p.number: p.reason for p in to_suspend},
                lacks={
                    p.number: [lack.code for lack in judged[p.worker_id].lacks] for p in to_suspend
                },
                validity_changed_count=len(to_extend),
                validity_changed=[p.number for p in to_extend],
                source="scan",
            )
    return len(to_suspend)


# --- Manager's decisions ------------------------------------------------------------


@transaction.atomic
def revoke_pass(site_pass: SitePass, *, by, reason: str) -> SitePass:
    """A manager revokes a pass (收回出入证): it stays revoked whatever changes, until a
    manager reinstates it."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    reason = clean_text(reason, "reason", max_length=200)
    site_pass = SitePass.objects.select_for_update().get(pk=site_pass.pk)
    site_pass.status = PassStatus.REVOKED
    site_pass.reason = reason
    site_pass.reason_code = LackCode.REVOKED
    site_pass.revoked_by = by
    site_pass.save()
    record_event(site_pass, "contractors.pass_revoked", by=by, reason=reason)
    return site_pass


@transaction.atomic
def reinstate_pass(site_pass: SitePass, *, by) -> SitePass | None:
    """Undo a revocation: the pass is judged again (active only if everything holds)."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    site_pass = SitePass.objects.select_for_update().get(pk=site_pass.pk)
    site_pass.status = PassStatus.SUSPENDED
    site_pass.revoked_by = None
    site_pass.reason = ""
    site_pass.save()
    record_event(site_pass, "contractors.pass_reinstated", by=by)
    return _apply(site_pass.worker, evaluate(site_pass.worker), by=by, source="reinstated")


@transaction.atomic
def blacklist_worker(worker: ContractorWorker, *, by, reason: str) -> ContractorWorker:
    """Put a worker on the blacklist (人员黑名单): the pass is suspended at once."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    reason = clean_text(reason, "reason", max_length=200)
    worker = ContractorWorker.objects.select_for_update().get(pk=worker.pk)
    worker.blacklisted_at = timezone.now()
    worker.blacklist_reason = reason
    worker.save(update_fields=["blacklisted_at", "blacklist_reason", "updated_at"])
    record_event(worker, "contractors.worker_blacklisted", by=by, reason=reason)
    _apply(worker, evaluate(worker), by=by, source="blacklist")
    return worker


@transaction.atomic
def unblacklist_worker(worker: ContractorWorker, *, by) -> ContractorWorker:
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    worker = ContractorWorker.objects.select_for_update().get(pk=worker.pk)
    worker.blacklisted_at = None
    worker.blacklist_reason = ""
    worker.save(update_fields=["blacklisted_at", "blacklist_reason", "updated_at"])
    record_event(worker, "contractors.worker_unblacklisted", by=by)
    _apply(worker, evaluate(worker), by=by, source="unblacklist")
    return worker


def pass_for_token(token: str) -> SitePass | None:
    """The pass a token names here (another enterprise's token is unknown here)."""
    if not token or len(token) > 32:
        return None
    return (
        SitePass.objects.select_related("worker__company", "worker__crew")
        .filter(token=token)
        .first()
    )


def requirement_filter(worker: ContractorWorker) -> Q:
    """The requirements that apply to ``worker`` (for pages listing them)."""
    return Q(work_type="") | Q(work_type__in=worker.work_types)
