"""Checklists: template copies, versions that past inspections keep, where they apply."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import tenant_context

from safeloop.tenants.facilities.models import Area
from safeloop.tenants.inspections.models import Checklist, ChecklistKind, Inspection, Point
from safeloop.tenants.inspections.services import (
    ItemSpec,
    applicable_checklists,
    bind_checklist,
    create_checklist,
    resolve_checklist,
    revise_checklist,
    update_checklist,
)

pytestmark = pytest.mark.django_db

ITEMS = [
    {"kind": "pass_fail", "label": "护栏完好", "label_en": "Guardrail intact"},
    {"kind": "number", "label": "油压", "number_min": 2, "number_max": 6, "unit": "MPa"},
    {"kind": "choice", "label": "状态", "choices": ["好", "坏"], "failing_choices": ["坏"]},
]


def _codes(checklists) -> list[str]:
    return [c.code for c in checklists]


def test_metal_template_gives_acme_universal_checklists_of_at_least_12_items(in_acme):
    universal = Checklist.objects.filter(kind=ChecklistKind.UNIVERSAL)

    assert set(_codes(universal)) >= {"DAILY-AREA", "EQUIP-PRESS", "WEEKLY-SPECIAL", "MONTHLY"}
    for checklist in universal:
        assert checklist.current_version.number == 1
        # a machine type's own list asks only about that machine: a few items
        least = 4 if checklist.code.startswith("EQUIP-") else 12
        assert checklist.current_version.items.count() >= least, checklist.code


def test_areas_get_the_daily_check_machines_the_equipment_check(area_point, press_point, w1):
    assert resolve_checklist(area_point).code == "DAILY-AREA"
    assert resolve_checklist(press_point).code == "EQUIP-PRESS"
    workshop = applicable_checklists(Point.objects.for_target(w1))
    # Stamping has no hot work or cylinders: the weekly fire and electrical check is
    # bound to welding, assembly (paint booth) and the power house only.
    assert set(_codes(workshop)) == {"MONTHLY"}
    welding = applicable_checklists(Point.objects.for_target(Area.objects.get(code="W3")))
    assert set(_codes(welding)) == {"WEEKLY-SPECIAL", "MONTHLY"}


def test_point_binding_beats_equipment_type_binding_beats_area_binding(
    wang, w1, area_point, press_point
):
    own = create_checklist(by=wang, code="PRESS-LINE", name="冲压线专检", items=ITEMS)
    bind_checklist(own, by=wang, area=w1)  # W1's subtree: its areas and machines

    # A narrower area binding beats the enterprise-wide one; a type binding beats both.
    assert resolve_checklist(area_point).code == "PRESS-LINE"
    assert _codes(applicable_checklists(press_point)) == ["EQUIP-PRESS", "PRESS-LINE"]

    bind_checklist(own, by=wang, point=press_point)
    assert resolve_checklist(press_point).code == "PRESS-LINE"


def test_binding_the_same_scope_twice_keeps_one_binding(wang, w1):
    own = create_checklist(by=wang, code="TWICE", name="两次", items=ITEMS)

    first = bind_checklist(own, by=wang, area=w1, area_kind="area")
    again = bind_checklist(own, by=wang, area=w1, area_kind="area")

    assert first.pk == again.pk


def test_editing_a_used_checklist_makes_version_2_and_the_old_inspection_keeps_version_1(
    wang, li, area_point, inspect, checklist
):
    daily = checklist("DAILY-AREA")
    before = inspect(area_point, li)
    old_labels = [i.label for i in before.checklist_version.items.all()]

    specs = [ItemSpec.from_item(i) for i in daily.current_version.items.all()]
    specs[0].label = "设备运行状态正常（含空载试车）"
    version = revise_checklist(daily, by=wang, items=specs)

    daily.refresh_from_db()
    assert version.number == 2 and daily.current_version == version
    kept = Inspection.objects.get(pk=before.pk)
    assert kept.checklist_version.number == 1
    assert [a.item.label for a in kept.answers.order_by("item__order")][0] == old_labels[0]
    assert [i.label for i in kept.checklist_version.items.all()] == old_labels
    assert inspect(area_point, li).checklist_version == version


def test_editing_an_unused_version_changes_it_in_place(wang):
    own = create_checklist(by=wang, code="FRESH", name="新表", items=ITEMS)

    version = revise_checklist(own, by=wang, items=ITEMS[:2])

    assert version.number == 1
    assert [i.kind for i in version.items.all()] == ["pass_fail", "number"]


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([], "required"),
        ([{"kind": "pass_fail", "label": "  "}], "required"),
        ([{"kind": "dance", "label": "跳舞"}], "invalid"),
        ([{"kind": "number", "label": "压力", "number_min": 9, "number_max": 1}], "invalid"),
        ([{"kind": "choice", "label": "状态", "choices": ["好"]}], "invalid"),
        (
            [
                {
                    "kind": "choice",
                    "label": "状态",
                    "choices": ["好", "坏"],
                    "failing_choices": ["?"],
                }
            ],
            "invalid",
        ),
    ],
)
def test_bad_items_are_refused_with_a_code(wang, items, code):
    with pytest.raises(ValidationError) as raised:
        create_checklist(by=wang, code="BAD", name="坏表", items=items)

    assert raised.value.error_dict["items"][0].code == code
    assert not Checklist.objects.filter(code="BAD").exists()


def test_a_checklist_code_is_used_once(wang):
    with pytest.raises(ValidationError) as raised:
        create_checklist(by=wang, code="DAILY-AREA", name="重复", items=ITEMS)

    assert raised.value.error_dict["code"][0].code == "duplicate"


def test_a_deactivated_checklist_no_longer_applies(wang, area_point, checklist):
    update_checklist(checklist("DAILY-AREA"), by=wang, is_active=False)

    assert resolve_checklist(area_point) is None


def test_operator_cannot_manage_checklists(zhang, w1, checklist):
    daily = checklist("DAILY-AREA")

    with pytest.raises(PermissionDenied):
        create_checklist(by=zhang, code="MINE", name="我的", items=ITEMS)
    with pytest.raises(PermissionDenied):
        revise_checklist(daily, by=zhang, items=ITEMS)
    with pytest.raises(PermissionDenied):
        update_checklist(daily, by=zhang, is_active=False)
    with pytest.raises(PermissionDenied):
        bind_checklist(daily, by=zhang, area=w1)


def test_team_leader_manages_checklists(li):
    assert create_checklist(by=li, code="LI-OWN", name="班组自查", items=ITEMS).pk


def test_globex_cannot_see_acmes_checklists(wang, globex):
    create_checklist(by=wang, code="ACME-ONLY", name="Acme 专用", items=ITEMS)

    with tenant_context(globex):
        assert not Checklist.objects.filter(code="ACME-ONLY").exists()
        # Globex is a food plant: its own universal checklists, none of Acme's versions.
        daily = Checklist.objects.get(code="DAILY-AREA")
        assert "切片机" in " ".join(i.label for i in daily.current_version.items.all())
