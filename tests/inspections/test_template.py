"""The ``[inspections]`` section of every industry template is complete and consistent."""

from __future__ import annotations

import re

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
    for code, checklist in checklists.items():
        specs = clean_items(checklist["items"])  # raises on a malformed item
        # A machine type's own list is short: it asks only about that machine.
        assert len(specs) >= (4 if code.startswith(("EQUIP-", "DAILY-C")) else 12), code
        assert all(s.label_en for s in specs)
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


def _bindings_by_checklist(section: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for binding in section["bindings"]:
        found.setdefault(binding["checklist"], []).append(binding)
    return found


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_equipment_type_has_its_own_list_bound_only_to_that_type(industry):
    template = get_template(industry)
    section = template.sections["inspections"]
    types = {t["code"]: t["name"] for t in template.sections["facilities"]["equipment_types"]}
    checklists = {c["code"]: c for c in section["checklists"]}
    bound = _bindings_by_checklist(section)

    assert "EQUIP" not in checklists  # the one generic list is gone
    for code, bindings in bound.items():
        typed = [b for b in bindings if b.get("equipment_types")]
        if not typed:
            continue
        # every checklist bound to equipment types is bound to exactly one type, its own
        assert len(typed) == len(bindings) == 1, code
        assert typed[0]["equipment_types"] == [code.removeprefix("EQUIP-")], code
    assert {f"EQUIP-{t}" for t in types} <= set(bound)


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_a_distribution_box_is_asked_only_about_a_distribution_box(industry):
    items = {
        c["code"]: c["items"] for c in get_template(industry).sections["inspections"]["checklists"]
    }
    box = " ".join(i["label"] for i in items["EQUIP-DIST-BOX"])

    for word in ("润滑", "钢丝绳", "吊钩", "制动", "货叉", "安全阀"):
        assert word not in box, word
    for word in ("门锁", "接地", "漏电保护器", "试跳", "标识", "积尘"):
        assert word in box, word
    for other in ("FORKLIFT", "PRESSURE-VESSEL"):
        if f"EQUIP-{other}" in items:
            assert "漏电保护器" not in " ".join(i["label"] for i in items[f"EQUIP-{other}"])


def test_metal_crane_forklift_and_pressure_vessel_lists_ask_what_a_consultant_asks():
    items = {
        c["code"]: " ".join(i["label"] for i in c["items"])
        for c in get_template("metal").sections["inspections"]["checklists"]
    }

    assert all(w in items["EQUIP-CRANE"] for w in ("钢丝绳", "防脱钩装置", "限位器", "制动器"))
    assert all(w in items["EQUIP-FORKLIFT"] for w in ("制动", "喇叭", "灯", "护顶架", "货叉"))
    assert all(w in items["EQUIP-PRESSURE-VESSEL"] for w in ("安全阀", "压力表", "铭牌", "泄漏"))
    assert "润滑" not in items["EQUIP-CRANE"] + items["EQUIP-PRESSURE-VESSEL"]


@pytest.mark.parametrize(
    ("industry", "own_types"),
    [
        ("food", ["REFRIG-UNIT", "FRYER", "STERILIZER", "BOILER"]),
        ("chemical", ["REACTOR", "STORAGE-TANK"]),
        ("mining", ["EXCAVATOR", "DUMP-TRUCK", "CRUSHER"]),
    ],
)
def test_each_industry_has_lists_for_its_own_machines(industry, own_types):
    codes = {c["code"] for c in get_template(industry).sections["inspections"]["checklists"]}

    assert {f"EQUIP-{t}" for t in own_types} <= codes


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_weekly_special_is_bound_to_the_workshops_it_concerns_not_every_workshop(industry):
    template = get_template(industry)
    section = template.sections["inspections"]
    workshops = {
        a["code"] for a in template.sections["facilities"]["areas"] if a.get("kind") == "workshop"
    }
    weekly = _bindings_by_checklist(section)["WEEKLY-SPECIAL"]

    assert all(b.get("area") in workshops and b.get("area_kind") == "workshop" for b in weekly)
    assert 0 < len({b["area"] for b in weekly}) < len(workshops)


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_items_that_may_not_apply_allow_na_and_units_are_written_one_way(industry):
    checklists = get_template(industry).sections["inspections"]["checklists"]
    items = [i for c in checklists for i in c["items"]]

    assert any(i.get("allows_na") for i in items)
    assert not any("选通过" in i["label"] + i.get("guidance", "") for i in items)
    assert not any(i.get("unit") == "°C" or "°C" in i["label"] for i in items)
    for word in ("无票", "动火证", "避险设施"):
        assert not any(word in i["label"] for i in items), word
    digits_then_mi = re.compile(r"\d\s*米")  # lengths are written "5 m"
    assert not any(digits_then_mi.search(i["label"] + i.get("guidance", "")) for i in items)


def _number_item(industry: str, code: str, word: str):
    checklists = {
        c["code"]: c for c in get_template(industry).sections["inspections"]["checklists"]
    }
    specs = clean_items(checklists[code]["items"])
    return next(s for s in specs if s.kind == "number" and word in s.label)


def test_the_food_blast_freezer_accepts_minus_35_and_has_its_own_list():
    freezer = _number_item("food", "DAILY-COLD", "库温")
    chiller = _number_item("food", "DAILY-CHILL", "库温")

    assert freezer.number_min <= -35 <= freezer.number_max and freezer.unit == "℃"
    assert not (chiller.number_min <= -35 <= chiller.number_max)
    bound = _bindings_by_checklist(get_template("food").sections["inspections"])
    assert [b["point"] for b in bound["DAILY-COLD"]] == ["W4-A1"]  # 速冻间
    people = _number_item("food", "DAILY-COLD", "人数")
    assert people.number_max == 9


def test_mining_silica_dust_limit_is_1_mg_and_thunderstorms_stop_blasting():
    dust = _number_item("mining", "DAILY-AREA", "粉尘")
    checklists = {
        c["code"]: c for c in get_template("mining").sections["inspections"]["checklists"]
    }
    weather = next(i for i in checklists["DAILY-AREA"]["items"] if i["label"] == "天气情况")

    assert dust.number_max == 1 and dust.unit == "mg/m³" and "GBZ 2.1" in dust.basis
    assert "雷雨" in weather["choices"] and "雷雨" in weather["failing_choices"]
    assert "停止爆破" in weather["guidance"]


@pytest.mark.django_db
def test_acme_distribution_boxes_and_presses_get_their_own_lists(acme):
    with tenant_context(acme):
        from safeloop.tenants.inspections.models import ChecklistBinding

        bindings = ChecklistBinding.objects.filter(equipment_type__isnull=False).select_related(
            "checklist", "equipment_type"
        )
        pairs = {(b.checklist.code, b.equipment_type.code) for b in bindings}

    assert ("EQUIP-DIST-BOX", "DIST-BOX") in pairs and ("EQUIP-PRESS", "PRESS") in pairs
    assert all(code == f"EQUIP-{type_code}" for code, type_code in pairs)
