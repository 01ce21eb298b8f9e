"""Each industry template opens a new enterprise's risk register with at least 15
starter risk points, assessed and with control measures;
a bad value in a template is refused by name; applying them stays cheap.

Acme was provisioned from the metal template and Globex from the food one; the
chemical and mining enterprises are provisioned here.
"""

from __future__ import annotations

import copy
import time

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import get_tenant_base_schema, schema_context, tenant_context

from safeloop.platform.industry import TemplateError, get_template
from safeloop.platform.services import SignupData, provision_enterprise
from safeloop.tenants.risks.models import (
    ConfinedSpace,
    ControlMeasure,
    DustSite,
    RiskPoint,
    RiskSettings,
)
from safeloop.tenants.risks.template_section import apply_risks

pytestmark = pytest.mark.django_db


def _provision(industry: str):
    return provision_enterprise(
        SignupData(
            f"{industry.title()} Test Co",
            f"tpl-{industry}",
            industry,
            "Tian Yu",
            f"tian@{industry}.test",
            "Template-Risk-2026!",
            "zh-hans",
        )
    )


@pytest.fixture(params=["metal", "food", "chemical", "mining"])
def industry_enterprise(request, acme, globex):
    """An enterprise provisioned from each industry template."""
    industry = request.param
    enterprise = {"metal": acme, "food": globex}.get(industry) or _provision(industry)
    return industry, enterprise


def test_each_industry_brings_assessed_risk_points_with_measures(industry_enterprise):
    industry, enterprise = industry_enterprise

    with tenant_context(enterprise):
        points = list(
            # The template's own points: assessed by nobody (e2e tests add
            # points of their own to the shared Acme and assess them as Wang).
            RiskPoint.objects.filter(is_active=True, assessments__assessed_by__isnull=True)
            .distinct()
            .select_related("area")
            .prefetch_related("sources", "assessments", "measures")
        )
        method = RiskSettings.current().method
        checked = ControlMeasure.objects.exclude(check_label="").count()

    assert len(points) >= 15, industry
    assert method == "lec"
    assert checked >= 5
    # Controls lower the likelihood; none of the templates' controls changes how
    # bad the outcome is nor how often people are exposed, so a residual score
    # that cuts C or E would be one a reviewer could not defend.
    for point in points:
        [assessment] = point.assessments.all()
        inherent, residual = assessment.inherent_factors, assessment.residual_factors
        assert (residual["e"], residual["c"]) == (inherent["e"], inherent["c"]), point.code
    for point in points:
        [assessment] = point.assessments.all()
        assert (point.band, point.score) == (assessment.residual_band, assessment.residual_score)
        assert point.inherent_band == assessment.inherent_band
        assert assessment.residual_score <= assessment.inherent_score
        sources = point.sources.all()
        assert sources and all(s.accident_types for s in sources), point.code
        measures = point.measures.all()
        assert 2 <= len(measures) <= 5, point.code
        assert len({m.kind for m in measures}) >= 2, point.code
        assert point.name and point.name_en, point.code


def test_metal_template_reads_like_a_metal_works(in_acme):
    press = RiskPoint.objects.get(code="RP-M01")

    assert press.area.code == "W1-A1"
    assert (press.band, press.inherent_band, press.score) == ("yellow", "red", 90)
    # written as 机械伤害 (1986); provisioned after 2026-07-01, so stored in 2025 names
    assert "机械致害" in [label for s in press.sources.all() for label in s.accident_type_chinese]
    assert press.measures.filter(kind="engineering", check_label__contains="光电保护").exists()
    # the cylinder store is entered a few times a week, not all day
    store = RiskPoint.objects.get(code="RP-M07")
    assert (store.inherent_band, store.band) == ("red", "yellow")


def _metal_risks() -> dict:
    return copy.deepcopy(get_template("metal").sections["risks"])


def _spoil(path: str, value):
    data = _metal_risks()
    target = data["points"][0]
    *parents, last = path.split(".")
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    target[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        ("inherent.l", 4, "RP-M01: inherent l"),
        ("residual.l", 10, "RP-M01: residual: higher"),
        ("area", "W9-A9", "W9-A9"),
        ("kind", "machine", "machine"),
        ("sources.0.accident_types", ["机器伤害"], "机器伤害"),
        ("measures.0.level", "department", "RP-M01: measure 1"),
        ("measures.1.owner_role", "astronaut", "astronaut"),
        ("code", "RP-M02", "duplicate point codes ['RP-M02']"),
    ],
)
def test_bad_template_value_is_refused_by_name_before_writing(in_acme, path, value, named):
    before = RiskPoint.objects.count()

    with pytest.raises(TemplateError) as refused:
        apply_risks(None, _spoil(path, value))

    assert named in str(refused.value)
    assert RiskPoint.objects.count() == before


def test_risks_section_is_a_handful_of_bulk_inserts_after_the_clone():
    enterprise = _provision("mining")
    data = get_template("mining").sections["risks"]

    with tenant_context(enterprise):
        ConfinedSpace.objects.all().delete()
        DustSite.objects.all().delete()
        RiskPoint.objects.all().delete()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            apply_risks(enterprise, data)
        elapsed = time.perf_counter() - started
        per_point = RiskPoint.objects.annotate(n=Count("measures")).filter(n__gte=2).count()

    statements = [q for q in captured.captured_queries if not q["sql"].startswith("SET ")]
    # areas, machines, job roles, the settings row, then one insert per table (the
    # confined-space and dust inventories included)
    assert len(statements) <= 11, [q["sql"][:80] for q in statements]
    assert per_point == len(data["points"])
    assert elapsed < 2.0
    # The base schema new tenants are cloned from stays empty: the template is applied
    # to each clone, never baked into the base.
    with schema_context(get_tenant_base_schema()):
        assert not RiskPoint.objects.exists()


def test_each_industry_delivers_its_confined_space_and_dust_inventories(industry_enterprise):
    """有限空间管理台账 (应急管理部令第13号) and 粉尘 台账 come with the template, each line
    tied to the risk point that assesses it; a quarry's 矽尘 is not explosive dust."""
    industry, enterprise = industry_enterprise
    with tenant_context(enterprise):
        spaces = list(ConfinedSpace.objects.select_related("risk_point", "area"))
        sites = list(DustSite.objects.select_related("risk_point"))
    assert len(spaces) >= 4 and len(sites) >= 1
    for space in spaces:
        assert space.hazards, space.code
        assert space.risk_point is not None and "有限空间" in space.risk_point.name, space.code
    assert all(s.risk_point is not None for s in sites)
    explosive = {s.explosive for s in sites}
    assert explosive == ({False} if industry == "mining" else explosive | {True})
    if industry == "mining":
        assert all("矽尘" in s.dust for s in sites)


def test_an_inventory_line_in_a_place_the_template_lacks_is_refused_by_name(acme):
    from safeloop.tenants.risks.template_section import _inventories

    bad = {
        "confined_spaces": [
            {
                "code": "CS-X",
                "name": "x",
                "kind": "underground",
                "area": "NOWHERE",
                "hazards": ["oxygen"],
            }
        ]
    }
    with tenant_context(acme), pytest.raises(TemplateError, match="CS-X"):
        _inventories(bad, {}, {})
