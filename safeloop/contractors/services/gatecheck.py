"""The gate check (门岗核验): a guard scans a pass and sees green or red with the reason;
entries and exits are logged; who is on site now, per company and gate (for a muster).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from safeloop.access import ensure_can
from safeloop.contractors.models import (
    ContractorWorker,
    GateDirection,
    GateEvent,
    PassStatus,
    SitePass,
)
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.services.passes import (
    Lack,
    LackCode,
    _apply,
    evaluate,
    pass_for_token,
)
from safeloop.tenants.facilities.models import Area


@dataclass(frozen=True)
class Verdict:
    """What the guard sees: green (``allowed``) or red with the reasons."""

    allowed: bool
    reasons: tuple[str, ...]
    site_pass: SitePass | None
    worker: ContractorWorker | None
    valid_until: date | None = None
    event: GateEvent | None = None


def _red(lack: Lack, site_pass=None, worker=None) -> Verdict:
    return Verdict(False, (lack.text(),), site_pass, worker)


def judge(token: str, *, today: date | None = None) -> Verdict:
    """Green or red for the pass ``token`` names, judged afresh (a pass is never green
    past an expiry, whether the daily scan has run or not). Writes nothing but the
    suspension that follows from a lapsed requirement."""
    site_pass = pass_for_token(token)
    if site_pass is None:
        return _red(Lack(LackCode.UNKNOWN_PASS))
    worker = site_pass.worker
    if site_pass.status == PassStatus.REVOKED:
        return _red(Lack(LackCode.REVOKED, detail=site_pass.reason), site_pass, worker)
    eligibility = evaluate(worker, today=today)
    if not eligibility.ok or site_pass.status != PassStatus.ACTIVE:
        with transaction.atomic():
            site_pass = _apply(worker, eligibility, source="gate") or site_pass
    if not eligibility.ok:
        return Verdict(False, tuple(eligibility.reasons()), site_pass, worker)
    return Verdict(True, (), site_pass, worker, eligibility.valid_until)


@transaction.atomic
def check(
    token: str,
    *,
    by,
    direction: str = GateDirection.IN,
    gate: Area | None = None,
    today: date | None = None,
) -> Verdict:
    """A guard's check at ``gate``: judged, logged (green or red), and the on-site
    count kept: an allowed entry puts the worker on site, an exit takes them off."""
    ensure_can(by, ContractorPerm.GATE_CHECK)
    if direction not in GateDirection.values:
        direction = GateDirection.IN
    verdict = judge(token, today=today)
    site_pass, worker = verdict.site_pass, verdict.worker
    # An exit is always let through and logged: nobody is held inside by a lapsed pass.
    allowed = verdict.allowed or (direction == GateDirection.OUT and site_pass is not None)
    event = GateEvent.objects.create(
        site_pass=site_pass,
        worker=worker,
        company_id=worker.company_id if worker else None,
        gate=gate,
        direction=direction,
        allowed=allowed,
        reason="; ".join(verdict.reasons)[:300],
        by=by,
    )
    if site_pass is not None and allowed:
        if direction == GateDirection.IN:
            site_pass.inside_since, site_pass.inside_gate = timezone.now(), gate
        else:
            site_pass.inside_since, site_pass.inside_gate = None, None
        SitePass.objects.filter(pk=site_pass.pk).update(
            inside_since=site_pass.inside_since,
            inside_gate=gate if site_pass.inside_since else None,
        )
    return Verdict(verdict.allowed, verdict.reasons, site_pass, worker, verdict.valid_until, event)


@dataclass(frozen=True)
class Headcount:
    company_id: int
    company: str
    gate_id: int | None
    gate: str
    count: int


def on_site(*, by) -> list[Headcount]:
    """Who is on site now, per company and gate: the muster list's totals."""
    ensure_can(by, ContractorPerm.GATE_CHECK)
    rows = (
        SitePass.objects.filter(inside_since__isnull=False)
        .values(
            "worker__company_id", "worker__company__name", "inside_gate_id", "inside_gate__name"
        )
        .annotate(n=Count("id"))
        .order_by("worker__company__name", "inside_gate__name")
    )
    return [
        Headcount(
            r["worker__company_id"],
            r["worker__company__name"],
            r["inside_gate_id"],
            r["inside_gate__name"] or "",
            r["n"],
        )
        for r in rows
    ]


def on_site_workers(*, by):
    ensure_can(by, ContractorPerm.GATE_CHECK)
    return (
        SitePass.objects.filter(inside_since__isnull=False)
        .select_related("worker__company", "worker__crew", "inside_gate")
        .order_by("worker__company__name", "worker__name")
    )
