"""The score and grade of an enterprise over a period — the one place of the formula.

Group HQ ranks its sites by it; a district authority grades the enterprises
registered with it by their last three months (seed 002: "7.86 points, grade C");
each enterprise sees its own on its home page. It reads only the daily KPI
snapshots copied to the public schema (``SiteKpis``): aggregates, no records.

Score, 0–10:
1. For each KPI, pool the period's daily snapshots: Σ numerators ÷ Σ denominators
   (a day with a zero denominator adds nothing). A KPI that is not measured, or
   has no denominator in the whole period, is left out — never counted as 0 or 100 %.
2. Its achievement is the pooled value ÷ its target (the KPI's threshold), capped
   at 1: beating a target earns nothing extra, so one strong KPI cannot hide a
   weak one.
3. The score is 10 × the weighted mean of the achievements, with ``WEIGHTS``
   renormalised over the KPIs that are in. With none in, there is no score ("—").

Grade: A from 9.0, B from 8.0, C from 6.0, D below (``GRADES``).
Advice: the (at most) two KPIs below target that cost the most points
(weight × shortfall), each with its sentence from ``ADVICE``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from safeloop.tenants.reports.kpis import KPIS

# How much each KPI weighs in the score (renormalised over the KPIs with data).
WEIGHTS: dict[str, int] = {
    "closure_24h": 30,
    "inspection_completion": 25,
    "training_completion": 20,
    "near_miss_ratio": 15,
    "permits_on_time": 10,
    "ppe_compliance": 10,
    "drill_pass_rate": 10,
}
# (lowest score, grade), best first; below the last, "D".
GRADES: tuple[tuple[float, str], ...] = ((9.0, "A"), (8.0, "B"), (6.0, "C"))
LOW_GRADES = frozenset({"C", "D"})  # the authority's list for targeted inspection
ADVICE = {
    "closure_24h": _(
        "Improve the timeliness of hazard rectification: close reported hazards within "
        "24 hours, and assign them at once."
    ),
    "inspection_completion": _(
        "Complete the scheduled inspections within their windows; reassign rounds that are missed."
    ),
    "training_completion": _(
        "Finish the assigned safety training before its due date; follow up on who is late."
    ),
    "near_miss_ratio": _(
        "Encourage near-miss reporting: report what almost happened, not only hazards "
        "that were found."
    ),
    "permits_on_time": _("Approve high-risk work permits before the work starts."),
    "ppe_compliance": _("Check the use of personal protective equipment on every shift."),
    "drill_pass_rate": _("Run the emergency drills again until they pass."),
}
ADVICE_COUNT = 2


@dataclass(slots=True)  # not frozen: an HQ page builds thousands (frozen init is slow)
class Figure:
    code: str
    title: str
    threshold: float
    weight: int
    value: float | None  # pooled over the period; None: no data
    numerator: int
    denominator: int
    measured: bool

    @property
    def achievement(self) -> float | None:
        if self.value is None:
            return None
        return min(self.value / self.threshold, 1.0) if self.threshold else 1.0


@dataclass(slots=True)  # not frozen: an HQ page builds thousands (frozen init is slow)
class Score:
    points: float | None  # 0–10, two decimals; None: no KPI had data
    grade: str  # "A"–"D", or "" without a score
    figures: tuple[Figure, ...]
    days: int  # the days with a snapshot in the period
    advice: tuple[str, ...]
    weakest: tuple[str, ...] = ()  # the titles of the advised KPIs, costliest first

    @property
    def low(self) -> bool:
        return self.grade in LOW_GRADES


def grade_of(points: float | None) -> str:
    if points is None:
        return ""
    for lowest, grade in GRADES:
        if points >= lowest:
            return grade
    return "D"


@dataclass
class Totals:
    """A period's daily snapshots pooled: per KPI code, Σ numerators, Σ denominators and
    whether any day measured it; and how many days there were. Pooled here from the
    values, or in SQL by ``platform.oversight`` for many sites at once."""

    numerators: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    denominators: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    measured: dict[str, bool] = field(default_factory=lambda: defaultdict(bool))
    days: int = 0

    def add(self, code: str, numerator: int, denominator: int) -> None:
        self.measured[code] = True
        self.numerators[code] += numerator
        self.denominators[code] += denominator


def pool(days: Iterable[dict]) -> Totals:
    """The totals of the daily snapshot values ``days`` (each ``SiteKpis.values``)."""
    totals = Totals()
    for values in days:
        totals.days += 1
        for code, result in values.items():
            if result.get("measured", True):
                totals.add(
                    code, int(result.get("numerator") or 0), int(result.get("denominator") or 0)
                )
    return totals


def accumulate(running: dict, values: dict) -> dict:
    """The running totals of a site after one more day: ``running`` (every earlier day's,
    as ``SiteKpis.running`` stores them) plus that day's ``values``. Per KPI code
    [Σ numerators, Σ denominators, days measured], and the number of days; so a
    period's totals are the difference of two rows, however long the period."""
    kpis = {code: list(sums) for code, sums in running.get("kpis", {}).items()}
    for code, result in values.items():
        if result.get("measured", True):
            numerator, denominator, measured = kpis.get(code, (0, 0, 0))
            kpis[code] = [
                numerator + int(result.get("numerator") or 0),
                denominator + int(result.get("denominator") or 0),
                measured + 1,
            ]
    return {"days": running.get("days", 0) + 1, "kpis": kpis}


def between(end: dict, start: dict) -> Totals:
    """The totals of the days after the row whose running totals are ``start`` up to
    the one whose are ``end`` (``{}``: before the first day) — what ``pool`` gives
    for those days' values."""
    totals = Totals(days=end.get("days", 0) - start.get("days", 0))
    before = start.get("kpis", {})
    for code, (numerator, denominator, measured) in end.get("kpis", {}).items():
        numerator0, denominator0, measured0 = before.get(code, (0, 0, 0))
        if measured > measured0:
            totals.add(code, numerator - numerator0, denominator - denominator0)
    return totals


def score(days: Iterable[dict]) -> Score:
    """The score of the daily snapshot values ``days`` (each ``SiteKpis.values``)."""
    return score_totals(pool(days))


@lru_cache(maxsize=8)
def _texts(language: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """The KPI titles and the advice in ``language``, translated once (an HQ page
    scores a thousand sites, fourteen texts each)."""
    return {kpi.code: str(kpi.title) for kpi in KPIS}, {c: str(a) for c, a in ADVICE.items()}


def score_totals(totals: Totals) -> Score:
    numerators, denominators = totals.numerators, totals.denominators
    measured, count = totals.measured, totals.days
    titles, advice_texts = _texts(translation.get_language())
    figures = []
    for kpi in KPIS:
        denominator = denominators[kpi.code]
        value = numerators[kpi.code] / denominator if denominator else None
        figures.append(
            Figure(
                code=kpi.code,
                title=titles[kpi.code],
                threshold=kpi.threshold,
                weight=WEIGHTS.get(kpi.code, 0),
                value=value,
                numerator=numerators[kpi.code],
                denominator=denominator,
                measured=measured[kpi.code],
            )
        )
    counted = [f for f in figures if f.achievement is not None and f.weight]
    points = None
    if counted:
        total = sum(f.weight for f in counted)
        raw = 10 * sum(f.weight * f.achievement for f in counted) / total
        points = float(Decimal(str(raw)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    shortfalls = sorted(
        (f for f in counted if f.achievement < 1),
        key=lambda f: (-(f.weight * (1 - f.achievement)), f.code),
    )
    advised = [f for f in shortfalls[:ADVICE_COUNT] if f.code in ADVICE]
    advice = tuple(advice_texts[f.code] for f in advised)
    weakest = tuple(f.title for f in advised)
    return Score(points, grade_of(points), tuple(figures), count, advice, weakest)


def weights() -> list[tuple[str, int]]:
    """(KPI title, weight) in the order of the daily table, for the page's formula."""
    return [(str(kpi.title), WEIGHTS[kpi.code]) for kpi in KPIS if kpi.code in WEIGHTS]


def period(days: int, end: date | None = None) -> tuple[date, date]:
    """The ``days`` whole days ending yesterday (or ``end``), first and last included."""
    last = end or timezone.localdate() - timedelta(days=1)
    return last - timedelta(days=days - 1), last
