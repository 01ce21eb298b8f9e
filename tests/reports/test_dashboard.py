"""The workspace home dashboard beside the daily table, worked by hand on small data in
Acme: Sun Hao (safety officer) reads the open hazards by grade and the overdue ones,
the risk register's four colours, the weekly mean closure time and the heat map by
area; each number opens the list it counts; a week with nothing closed shows "—"; the
floor (Zhang San) gets none of it; and the page costs the same queries with ten
hazards or a thousand."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from itertools import cycle

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeloop.tenants.facilities.models import Area
from safeloop.tenants.hazards.models import Grade, Hazard, State
from safeloop.tenants.reports import dashboard
from safeloop.tenants.reports.models import KpiSnapshot
from safeloop.tenants.risks.models import RiskPoint

pytestmark = pytest.mark.django_db

HOME = "workspace:home"


def _hazards(*specs: dict) -> list[Hazard]:
    """Hazards straight into the table (no services): area code, grade, state, and
    hours ago reported / to the deadline / to closing."""
    now = timezone.now()
    areas = {a.code: a for a in Area.objects.all()}
    rows = []
    for n, spec in enumerate(specs):
        area = areas[spec.get("area", "W1-A1")]
        reported = now - timedelta(hours=spec.get("ago", 1))
        closed = spec.get("took")
        rows.append(
            Hazard(
                number=f"DB-{n:05}",
                title=f"Guard missing {n}",
                grade=spec.get("grade", Grade.GENERAL),
                state=spec.get("state", State.ASSIGNED),
                area=area,
                workshop=area if area.kind == "workshop" else area.parent,
                reported_at=reported,
                deadline=now + timedelta(hours=spec["due_in"]) if "due_in" in spec else None,
                closed_at=reported + timedelta(hours=closed) if closed is not None else None,
            )
        )
    return Hazard.objects.bulk_create(rows)


def _section(body: str, testid: str) -> str:
    return body.split(f'data-testid="{testid}"')[1].split("</section>")[0]


def _tile(body: str, testid: str) -> tuple[str, str]:
    """(the number, the link) of one tile."""
    part = body.split(f'data-testid="{testid}"')[0].rsplit("<a ", 1)[1]
    link = part.split('href="')[1].split('"')[0].replace("&amp;", "&")
    number = body.split(f'data-testid="{testid}"')[1].split("<strong>")[1].split("</strong>")[0]
    return number, link


def _board_numbers(client, link: str) -> set[str]:
    body = client.get(link).content.decode()
    return {h.number for h in Hazard.objects.all() if h.number in body}


@pytest.fixture
def small(in_acme):
    # W1-A1: two general open (one past its deadline), one serious open;
    # W1-A2: one major open past its deadline; W1-A1: one closed, one dismissed.
    return _hazards(
        {"due_in": -2},
        {"due_in": 10},
        {"grade": Grade.SERIOUS},
        {"area": "W1-A2", "grade": Grade.MAJOR, "due_in": -1},
        {"state": State.CLOSED, "took": 0.5, "ago": 30, "due_in": -5},
        {"state": State.DISMISSED, "due_in": -5},
    )


def test_open_hazards_by_grade_and_overdue_counted_by_hand(as_sun, small):
    body = as_sun.get(reverse(HOME)).content.decode()

    assert _tile(body, "dash-grade-general") == ("2", "/h/?grade=general")
    assert _tile(body, "dash-grade-serious") == ("1", "/h/?grade=serious")
    assert _tile(body, "dash-grade-major") == ("1", "/h/?grade=major")
    assert _tile(body, "dash-open") == ("4", "/h/")
    assert _tile(body, "dash-overdue") == ("2", "/h/?overdue=yes")


def test_each_hazard_number_opens_the_list_it_counts(as_sun, small):
    body = as_sun.get(reverse(HOME)).content.decode()

    _, overdue = _tile(body, "dash-overdue")
    assert _board_numbers(as_sun, overdue) == {"DB-00000", "DB-00003"}
    _, general = _tile(body, "dash-grade-general")
    assert _board_numbers(as_sun, general) == {"DB-00000", "DB-00001"}


def test_risk_points_by_colour_link_to_the_register(as_sun):
    points = list(RiskPoint.objects.filter(is_active=True).order_by("pk")[:4])
    RiskPoint.objects.update(band="", band_rank=0)
    for point, band in zip(points, ["red", "orange", "orange", "blue"], strict=True):
        RiskPoint.objects.filter(pk=point.pk).update(band=band)

    body = as_sun.get(reverse(HOME)).content.decode()

    assert _tile(body, "dash-band-red") == ("1", "/r/?band=red")
    assert _tile(body, "dash-band-orange") == ("2", "/r/?band=orange")
    assert _tile(body, "dash-band-yellow") == ("0", "/r/?band=yellow")
    assert _tile(body, "dash-band-blue") == ("1", "/r/?band=blue")
    unassessed = RiskPoint.objects.filter(is_active=True).count() - 4
    if unassessed:
        assert 'href="/r/?band=unassessed"' in body


def test_mean_closure_time_by_week_and_a_week_without_closures_shows_a_dash(in_acme):
    today = date(2026, 11, 11)  # a Wednesday
    monday = date(2026, 11, 9)

    def at(day: date, hour: int) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour)))

    area = Area.objects.get(code="W1-A1")
    for n, (reported, closed) in enumerate(
        [
            (at(monday, 8), at(monday, 10)),  # 2 h, this week
            (at(monday - timedelta(days=3), 9), at(monday, 1)),  # 64 h, closed this week
            (at(monday - timedelta(days=14), 8), at(monday - timedelta(days=13), 8)),  # 24 h
            (at(monday - timedelta(weeks=9), 8), at(monday - timedelta(weeks=9), 9)),  # too old
        ]
    ):
        Hazard.objects.create(
            number=f"CT-{n}",
            title="t",
            grade=Grade.GENERAL,
            state=State.CLOSED,
            area=area,
            reported_at=reported,
            closed_at=closed,
        )

    trend = dashboard.closure_trend(Hazard.objects.all(), today)

    assert len(trend) == dashboard.TREND_WEEKS
    assert trend[-1] == {"week": "2026-11-09", "label": "11-09", "closed": 2, "hours": 33.0}
    assert trend[-2]["hours"] is None and trend[-2]["closed"] == 0
    assert trend[-3] == {"week": "2026-10-26", "label": "10-26", "closed": 1, "hours": 24.0}
    assert trend[0]["week"] == "2026-09-21"


def test_the_trend_table_shows_a_dash_not_zero_for_a_week_with_nothing_closed(as_sun):
    body = as_sun.get(reverse(HOME)).content.decode()

    table = _section(body, "dash-trend")
    assert table.count('<td class="kpi-value">—</td>') == dashboard.TREND_WEEKS
    assert "0.0" not in table


def test_a_kpi_with_a_zero_denominator_shows_a_dash(as_sun):
    values = {
        "training_completion": {"value": None, "numerator": 0, "denominator": 0},
        "inspection_completion": {"value": None, "numerator": 0, "denominator": 0},
    }
    for value in values.values():
        value["measured"] = True
    KpiSnapshot.objects.create(day=date(2026, 11, 10), values=values)

    body = as_sun.get(reverse(HOME)).content.decode()

    for code in values:
        row = body.split(f'data-testid="kpi-{code}"')[1].split("</tr>")[0]
        value = row.split('class="kpi-value">')[1].split("</td>")[0]
        assert value == "—"
    # the two completions of the table keep the list behind them
    training = body.split('data-testid="kpi-training_completion"')[1].split("</tr>")[0]
    assert f'href="{reverse("learning:archive")}"' in training
    inspections = body.split('data-testid="kpi-inspection_completion"')[1].split("</tr>")[0]
    assert f'href="{reverse("inspections:completion")}"' in inspections


def test_the_heat_map_counts_each_area_and_its_workshop(as_sun, small):
    w1, a1, a2 = (Area.objects.get(code=c) for c in ("W1", "W1-A1", "W1-A2"))

    body = as_sun.get(reverse(HOME)).content.decode()

    heat = _section(body, "dash-heat")
    rows = {
        pk: heat.split(f'data-testid="dash-heat-{pk}"')[1].split("</tr>")[0]
        for pk in (w1.pk, a1.pk)
    }
    # W1 holds both areas: 4 open, 2 overdue, all 6 reported in the last 90 days
    numbers = [cell.split("</a>")[0] for cell in rows[w1.pk].split('">')[2:]]
    assert numbers[-3:] == ["4", "2", "6"]
    numbers = [cell.split("</a>")[0] for cell in rows[a1.pk].split('">')[2:]]
    assert numbers[-3:] == ["3", "1", "5"]
    assert f'href="/h/?area={a2.pk}&amp;overdue=yes"' in heat
    data = json.loads(
        body.split('id="dash-heat-data" type="application/json">')[1].split("</script>")[0]
    )
    assert data["columns"] and data["max"] == 6
    a2_cells = [c for c in data["cells"] if c["link"].split("&")[0] == f"/h/?area={a2.pk}"]
    assert [c["value"] for c in a2_cells] == [1, 1, 1]
    # each cell's list is the one it counts
    since = (timezone.localdate() - timedelta(days=89)).isoformat()
    assert _board_numbers(as_sun, f"/h/?area={a1.pk}&state=all&date_from={since}") == {
        f"DB-0000{n}" for n in (0, 1, 2, 4, 5)
    }


def test_the_charts_load_echarts_from_our_static_files_only(as_sun, small):
    body = as_sun.get(reverse(HOME)).content.decode()

    scripts = [part.split('"')[0] for part in body.split('<script src="')[1:]]
    assert any(s.endswith("vendor/echarts/echarts.min.js") for s in scripts)
    assert all(s.startswith("/static/") for s in scripts)
    assert 'data-locale="ZH"' in body  # Acme's language is Chinese
    # the library is installed (infra/assets.sh, pinned by package-lock.json) and served
    echarts = next(s for s in scripts if s.endswith("echarts.min.js"))
    served = as_sun.get(echarts)
    assert served.status_code == 200
    assert b"echarts" in b"".join(served.streaming_content)[:4096]


def test_the_floor_gets_none_of_the_dashboard(acme_client, zhang, small):
    acme_client.force_login(zhang)

    body = acme_client.get(reverse(HOME)).content.decode()

    assert "dash-hazards" not in body and "dash-heat" not in body and "echarts" not in body


def _many(count: int) -> None:
    areas = cycle(["W1-A1", "W1-A2", "W1", "W2"])
    states = cycle(
        [State.ASSIGNED, State.RECTIFYING, State.CLOSED, State.REPORTED, State.DISMISSED]
    )
    grades = cycle([Grade.GENERAL, Grade.GENERAL, Grade.SERIOUS, Grade.MAJOR])
    specs = []
    for n in range(count):
        state = next(states)
        spec = {
            "area": next(areas),
            "grade": next(grades),
            "state": state,
            "ago": (n * 7) % (24 * 80),
            "due_in": (n % 50) - 25,
        }
        if state == State.CLOSED:
            spec["took"] = 1 + n % 30
        specs.append(spec)
    Hazard.objects.all().delete()
    _hazards(*specs)


def test_the_home_page_costs_the_same_queries_with_ten_hazards_or_a_thousand(as_sun, sun):
    KpiSnapshot.objects.create(day=date(2026, 11, 10), values={})

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = as_sun.get(reverse(HOME))
        assert response.status_code == 200
        return len(captured.captured_queries)

    def panels() -> int:
        with CaptureQueriesContext(connection) as captured:
            dashboard.hazards_panel(sun)
            dashboard.charts_panel(sun)
        return len(captured.captured_queries)

    _many(10)
    count()  # the first request also finds the tenant and the session
    few, few_panels = count(), panels()
    _many(1000)
    many, many_panels = count(), panels()

    assert many == few and many_panels == few_panels
    print(f"home page queries for Sun: {few}, of which the dashboard's panels: {few_panels}")
