"""The rest of the workspace home dashboard (issue 16), beside the daily KPI table:
open hazards by grade and overdue, the risk register's four colours, the weekly mean
closure time and a heat map of hazards by area.

Every number is the count of a list one tap away, so each is counted with the rule
that list applies: the hazards the user may see (``visible_hazards``), open as the
board means it (``OPEN_STATES``), overdue by the board's ``overdue_q``, an area with
everything under it (the board's area filter), the register's band filter. Each
figure is one aggregate query (GROUP BY), so the page costs the same queries with ten
hazards or ten thousand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.access import can, permission
from safeloop.platform.localdays import day_start
from safeloop.tenants.facilities.models import Area, AreaKind
from safeloop.tenants.facilities.selectors import AreaTree
from safeloop.tenants.hazards.filters import overdue_q
from safeloop.tenants.hazards.models import OPEN_STATES, Grade, Hazard, State
from safeloop.tenants.hazards.selectors import visible_hazards
from safeloop.tenants.risks.reports import colour_totals
from safeloop.tenants.risks.scoring import BAND_COLOURS, BAND_ORDER, Band

# The grades as a tile says them under its number (一般/较大/重大).
GRADE_SHORT = {
    Grade.GENERAL: pgettext_lazy("hazard grade, short", "General"),
    Grade.SERIOUS: pgettext_lazy("hazard grade, short", "Serious"),
    Grade.MAJOR: pgettext_lazy("hazard grade, short", "Major"),
}
OPEN_LABEL = pgettext_lazy("dashboard", "Open")
OVERDUE_LABEL = pgettext_lazy("dashboard", "Overdue")

TREND_WEEKS = 8
RECENT_DAYS = 90

# Short names of the colours for the tiles ("红" rather than "红 — 重大风险").
BAND_SHORT = {
    Band.RED: _("Red"),
    Band.ORANGE: _("Orange"),
    Band.YELLOW: _("Yellow"),
    Band.BLUE: _("Blue"),
}


def oversees(user) -> bool:
    """The KPI table's rule: those who oversee the loop (all hazards, or the risks)."""
    return can(user, permission("hazards.view_all")) or can(user, permission("risks.manage"))


def _board(**params) -> str:
    url = reverse("hazards:board")
    params = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    count: int
    link: str
    colour: str = ""


def hazard_tiles(hazards: QuerySet[Hazard], now: datetime) -> tuple[list[Tile], Tile, Tile]:
    """Open hazards by grade, all open, and overdue: one query."""
    counts = hazards.aggregate(
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("pk", filter=overdue_q(now)),
        **{g: Count("pk", filter=Q(state__in=OPEN_STATES, grade=g)) for g in Grade.values},
    )
    by_grade = [
        Tile(g.value, str(GRADE_SHORT[g]), counts[g.value], _board(grade=g.value)) for g in Grade
    ]
    return (
        by_grade,
        Tile("open", str(OPEN_LABEL), counts["open"], _board()),
        Tile("overdue", str(OVERDUE_LABEL), counts["overdue"], _board(overdue="yes")),
    )


def risk_tiles() -> tuple[list[Tile], int]:
    """The register's active points by colour (one query), and the unassessed ones."""
    totals = colour_totals()
    register = reverse("risks:register")
    tiles = [
        Tile(
            b.value,
            str(BAND_SHORT[b]),
            getattr(totals, b),
            f"{register}?band={b.value}",
            BAND_COLOURS[b],
        )
        for b in BAND_ORDER
    ]
    return tiles, totals.unassessed


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def closure_trend(hazards: QuerySet[Hazard], today: date) -> list[dict]:
    """Mean closure time (hours, report → close) of the hazards closed in each of the
    last ``TREND_WEEKS`` weeks (Monday to Sunday, local time), this week last; None for
    a week with nothing closed. One query, summed by local closing day."""
    first = week_start(today) - timedelta(weeks=TREND_WEEKS - 1)
    start = day_start(first)
    took = ExpressionWrapper(F("closed_at") - F("reported_at"), output_field=DurationField())
    rows = (
        hazards.filter(state=State.CLOSED, closed_at__gte=start)
        .annotate(day=TruncDate("closed_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"), spent=Sum(took))
    )
    weeks = {first + timedelta(weeks=i): [0, 0.0] for i in range(TREND_WEEKS)}
    for row in rows:
        week = weeks.get(week_start(row["day"]))
        if week is not None:
            week[0] += row["n"]
            week[1] += row["spent"].total_seconds()
    return [
        {
            "week": monday.isoformat(),
            "label": f"{monday:%m-%d}",
            "closed": n,
            "hours": round(seconds / n / 3600, 1) if n else None,
        }
        for monday, (n, seconds) in weeks.items()
    ]


@dataclass
class AreaRow:
    area_id: int
    name: str
    kind: str
    open: int = 0
    overdue: int = 0
    recent: int = 0
    links: dict[str, str] = field(default_factory=dict)


def area_heat(hazards: QuerySet[Hazard], now: datetime, today: date) -> dict:
    """Open, overdue and last-90-days hazards per workshop and per area, each counting
    everything under it (the board's area filter does too), workshops first and their
    areas after them; places with nothing are left out. Two queries: the counts per
    area, the area tree."""
    since = today - timedelta(days=RECENT_DAYS - 1)
    recent = Q(reported_at__gte=day_start(since))
    own = {
        row["area_id"]: (row["open"], row["overdue"], row["recent"])
        for row in hazards.filter(Q(state__in=OPEN_STATES) | recent)
        .order_by()
        .values("area_id")
        .annotate(
            open=Count("pk", filter=Q(state__in=OPEN_STATES)),
            overdue=Count("pk", filter=overdue_q(now)),
            recent=Count("pk", filter=recent),
        )
    }
    if not own:
        return {"rows": [], "since": since}
    areas = list(Area.objects.only("pk", "parent_id", "kind", "code", "name", "name_en"))
    tree = AreaTree((a.pk, a.parent_id, a.kind) for a in areas)
    totals = tree.roll_up(
        own, lambda a, b: tuple(x + y for x, y in zip(a, b, strict=True)), (0, 0, 0)
    )
    names = {a.pk: a.display_name for a in areas}
    codes = {a.pk: a.code for a in areas}

    def row(pk: int) -> AreaRow:
        opened, overdue, reported = totals[pk]
        return AreaRow(
            pk,
            names[pk],
            tree.kind[pk],
            opened,
            overdue,
            reported,
            {
                "open": _board(area=pk),
                "overdue": _board(area=pk, overdue="yes"),
                "recent": _board(area=pk, state="all", date_from=since.isoformat()),
            },
        )

    rows: list[AreaRow] = []
    workshops = sorted(
        (pk for pk, kind in tree.kind.items() if kind == AreaKind.WORKSHOP), key=codes.get
    )
    for workshop in workshops:
        if not any(totals[workshop]):
            continue
        rows.append(row(workshop))
        for child in sorted(tree.children.get(workshop, ()), key=codes.get):
            if any(totals[child]):
                rows.append(row(child))
    return {"rows": rows, "since": since}


def heat_chart_data(heat: dict) -> dict:
    """What the ECharts heat map draws (passed with ``json_script``): rows top to
    bottom, one cell per (column, row) with the list it opens."""
    columns = [
        ("open", str(OPEN_LABEL)),
        ("overdue", str(OVERDUE_LABEL)),
        ("recent", str(_("Reported, last 90 days"))),
    ]
    rows = heat["rows"]
    return {
        "columns": [label for _key, label in columns],
        "rows": [f"{r.name}" if r.kind == AreaKind.WORKSHOP else f"· {r.name}" for r in rows],
        "cells": [
            {"x": x, "y": y, "value": getattr(r, key), "link": r.links[key]}
            for y, r in enumerate(rows)
            for x, (key, _label) in enumerate(columns)
        ],
        "max": max((max(r.open, r.overdue, r.recent) for r in rows), default=0),
    }


def hazards_panel(user) -> dict | None:
    """Open hazards by grade and overdue, and the register's colours: two queries."""
    if not oversees(user):
        return None
    now = timezone.now()
    by_grade, opened, overdue = hazard_tiles(visible_hazards(user), now)
    bands, unassessed = risk_tiles()
    return {
        "by_grade": by_grade,
        "open": opened,
        "overdue": overdue,
        "bands": bands,
        "unassessed": unassessed,
        "register": reverse("risks:register"),
        "risk_map": reverse("risks:map"),
    }


def charts_panel(user) -> dict | None:
    """The closure-time trend and the heat map by area: three queries."""
    if not oversees(user):
        return None
    now = timezone.now()
    today = timezone.localdate(now)
    hazards = visible_hazards(user)
    trend = closure_trend(hazards, today)
    heat = area_heat(hazards, now, today)
    return {
        "trend": trend,
        "trend_chart": {
            "labels": [w["label"] for w in trend],
            "hours": [w["hours"] for w in trend],
        },
        "heat": heat,
        "heat_chart": heat_chart_data(heat),
    }
