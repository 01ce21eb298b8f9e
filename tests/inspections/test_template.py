"""The ``[inspections]`` section of every industry template is complete and consistent."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from safeloop.access import Role
from safeloop.platform.industry import get_template, list_templates
from safeloop.tenants.inspections.models import Cadence
from safeloop.tenants.inspections.services.checklists import clean_items

INDUSTRIES = ["metal", "food", "chemical", "mining"]
# Seed 001's high-frequency points that every industry's daily check names.
SEED_001_POINTS = ["通道", "灭火器", "配电箱", "警示标识", "应急照明"]


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_industry_has_universal_checklists_bindings_and_the_three_plans(industry):
    template = get_template(industry)
    section = template.sections["inspections"]
    facilities = template.sections["facilities"]
    type_codes = {t["code"] for t in facilities["equipment_types"]}

    checklists = {c["code"]: c for c in section["checklists"]}
    assert len(checklists) >= 2
    for checklist in checklists.values():
        specs = clean_items(checklist["items"])  # raises on a malformed item
        assert len(specs) >= 12 and all(s.label_en for s in specs)
    daily = " ".join(i["label"] for i in checklists["DAILY-AREA"]["items"])
    assert [point for point in SEED_001_POINTS if point not in daily] == []
    assert "PPE" in " ".join(i["label_en"] for i in checklists["DAILY-AREA"]["items"])
    for binding in section["bindings"]:
        assert binding["checklist"] in checklists
        assert set(binding.get("equipment_types", [])) <= type_codes
    plans = section["plans"]
    assert {p["cadence"] for p in plans} == {
        Cadence.DAILY_PRE_SHIFT,
        Cadence.WEEKLY_SPECIAL,
        Cadence.MONTHLY_COMPREHENSIVE,
    }
    assert {p["role"] for p in plans} == {"team_leader", "safety_officer", "safety_manager"}
    assert all(Role(p["role"]) for p in plans)
    assert all(set(p["checklists"]) <= set(checklists) for p in plans)


def test_all_templates_carry_an_inspections_section():
    assert {t.key for t in list_templates() if "inspections" in t.sections} >= set(INDUSTRIES)


@pytest.mark.django_db
def test_globex_food_plant_got_its_plans_bound_to_its_own_workshops(globex):
    with tenant_context(globex):
        from safeloop.tenants.inspections.models import ChecklistBinding, InspectionPlan

        daily = InspectionPlan.objects.filter(cadence=Cadence.DAILY_PRE_SHIFT)
        assert sorted(p.area.code for p in daily) == ["W1", "W2", "W3", "W4", "W5"]
        assert "冷库" in {p.area.name for p in daily}
        assert ChecklistBinding.objects.filter(equipment_type__code="FRYER").exists()
