"""The daily safety-health table (seed 004): each KPI's formula, threshold and source.

One function per KPI reads the tenant's own data for ``day`` (a local date) and
returns a ``Result``. A KPI whose data does not exist in SafeLoop yet (work
permits, PPE checks, drills) is ``measured=False`` — never a made-up value — and
a zero denominator gives ``value=None`` (shown "—", neither 0 % nor 100 %).

Formulas (the day is local, Asia/Shanghai by default):
- closure_24h (≥ 95 %): of the hazards reported on ``day`` (not dismissed, not
  near misses), the share closed within 24 h of being reported.
- permits_on_time (100 %): high-risk work permits approved before work starts —
  not measured (no permit module yet).
- ppe_compliance (≥ 98 %): PPE checks passed — not measured (no PPE check yet).
- training_completion (100 %): of the training assignments due on or before
  ``day`` (not cancelled), the share completed by the end of ``day``.
- near_miss_ratio (≥ 30 %): of all reports in the 30 days ending ``day``, the
  share that are near misses (未遂事件).
- drill_pass_rate (100 %): emergency drills passed — not measured (no drills yet).
- inspection_completion (≥ 95 %): of the inspection tasks whose window ended on
  ``day``, the share done (in the dashboard beside the six).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DurationField, ExpressionWrapper, F, Q
from django.utils.translation import gettext_lazy as _

from safeloop.learning.models import Assignment
from safeloop.platform.localdays import day_bounds
from safeloop.tenants.hazards.models import Hazard, State
from safeloop.tenants.inspections.models import InspectionTask, TaskState


@dataclass(frozen=True)
class Result:
    value: float | None  # a share 0..1; None when the denominator is zero
    numerator: int = 0
    denominator: int = 0
    measured: bool = True

    def as_dict(self) -> dict:
        return asdict(self)


NOT_MEASURED = Result(value=None, measured=False)


@dataclass(frozen=True)
class Kpi:
    code: str
    title: str
    threshold: float  # the value at or above which the KPI is green
    compute: Callable[[date], Result]


def _share(numerator: int, denominator: int) -> Result:
    if not denominator:
        return Result(value=None, numerator=numerator, denominator=0)
    value = Decimal(numerator) / Decimal(denominator)
    return Result(
        value=float(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)),
        numerator=numerator,
        denominator=denominator,
    )


def closure_24h(day: date) -> Result:
    start, end = day_bounds(day)
    reported = Hazard.objects.filter(
        reported_at__gte=start, reported_at__lt=end, is_near_miss=False
    ).exclude(state=State.DISMISSED)
    took = ExpressionWrapper(F("closed_at") - F("reported_at"), output_field=DurationField())
    closed = (
        reported.filter(state=State.CLOSED, closed_at__isnull=False)
        .annotate(took=took)
        .filter(took__lte=timedelta(hours=24))
    )
    return _share(closed.count(), reported.count())


def training_completion(day: date) -> Result:
    _, end = day_bounds(day)
    due = Assignment.objects.filter(due_on__lte=day, cancelled_at__isnull=True)
    done = due.filter(completed_at__isnull=False, completed_at__lt=end)
    return _share(done.count(), due.count())


def near_miss_ratio(day: date) -> Result:
    _, end = day_bounds(day)
    reports = Hazard.objects.filter(reported_at__gte=end - timedelta(days=30), reported_at__lt=end)
    return _share(reports.filter(is_near_miss=True).count(), reports.count())


def inspection_completion(day: date) -> Result:
    start, end = day_bounds(day)
    ended = InspectionTask.objects.filter(window_end__gt=start, window_end__lte=end)
    done = ended.filter(Q(state=TaskState.DONE))
    return _share(done.count(), ended.count())


def _not_measured(day: date) -> Result:
    return NOT_MEASURED


KPIS: tuple[Kpi, ...] = (
    Kpi("closure_24h", _("Hazards closed within 24 h"), 0.95, closure_24h),
    Kpi("permits_on_time", _("High-risk work approved on time"), 1.0, _not_measured),
    Kpi("ppe_compliance", _("PPE compliance"), 0.98, _not_measured),
    Kpi("training_completion", _("Training completion"), 1.0, training_completion),
    Kpi("near_miss_ratio", _("Near-miss reporting ratio"), 0.30, near_miss_ratio),
    Kpi("drill_pass_rate", _("Drill pass rate"), 1.0, _not_measured),
    Kpi("inspection_completion", _("Inspection completion"), 0.95, inspection_completion),
)


def compute(day: date) -> dict[str, dict]:
    """Every KPI of ``day`` as stored in a snapshot."""
    return {kpi.code: kpi.compute(day).as_dict() for kpi in KPIS}
