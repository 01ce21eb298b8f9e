"""The two firewalls linked both ways: a control measure becomes a check item;
a failed check becomes a hazard; the hazard flags the risk point; re-assessing
it recolours the map."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from safeloop.tenants.inspections.models import Point
from safeloop.tenants.inspections.services import (
    create_hazard_from_answer,
    resolve_checklist,
    start_inspection,
    submit_inspection,
)
from safeloop.tenants.risks import services
from safeloop.tenants.risks.checks import sync_check_items
from safeloop.tenants.risks.models import FlagReason, RiskPoint, SitePlan, Zone
from safeloop.tenants.risks.selectors import map_zones
from tests.inspections.conftest import full_answers

pytestmark = pytest.mark.django_db


def _inspect_failing(point, by, failing_source):
    at = timezone.now()
    inspection = start_inspection(point, by=by, at=at - timedelta(minutes=3))
    answers, photos = full_answers(inspection.checklist_version)
    item = inspection.checklist_version.items.get(source=failing_source)
    answers[item.pk] = False
    submit_inspection(inspection, by=by, answers=answers, photos=photos, at=at)
    return inspection.answers.select_related("item").get(item=item)


def test_measure_check_fails_hazard_flags_point_and_reassessment_recolours_map(
    wang, zhang, press, press_line, press_risk
):
    # given: the press's interlock measure becomes an item on the press's checklist
    measure = press_risk.measures.get()
    press_point = Point.objects.for_target(press)
    universal = resolve_checklist(press_point)
    checklist = sync_check_items(press_risk, by=wang)
    assert resolve_checklist(press_point) == checklist  # the point's own list wins now
    items = list(checklist.current_version.items.all())
    assert items[-1].source == measure.source_key
    assert items[-1].label == "光电保护装置有效"
    # ... after the universal items the press had before
    assert [i.label for i in items[:-1]] == [i.label for i in universal.current_version.items.all()]
    plan = SitePlan.objects.create(name="Site", width=800, height=600)
    Zone.objects.create(site_plan=plan, area=press_line, polygon=[[0, 0], [0.5, 0], [0.5, 0.5]])
    assert [z.risk.band for z in map_zones(plan)] == ["red"]

    # when: Zhang's inspection fails that item and he reports it in one tap
    answer = _inspect_failing(press_point, zhang, measure.source_key)
    hazard = create_hazard_from_answer(answer, by=zhang)

    # then: the risk point is flagged, naming the measure whose check failed
    press_risk.refresh_from_db()
    assert press_risk.needs_reassessment
    flag = press_risk.flags.get()
    assert flag.hazard == hazard
    assert flag.reason == FlagReason.MEASURE_FAILED and flag.measure == measure
    zone = map_zones(plan)[0]
    assert zone.risk.needs_reassessment == 1 and zone.risk.open_hazards == 1

    # when: Wang re-assesses with the interlock repaired and a second guard added
    assessment = services.assess_risk(
        press_risk,
        by=wang,
        inherent={"l": 6, "e": 6, "c": 15},
        residual={"l": 1, "e": 6, "c": 15},
        note="联锁修复，加装固定防护罩",
    )

    # then: yellow now (D = 90), flag cleared by this assessment, the map follows
    press_risk.refresh_from_db()
    assert (press_risk.band, press_risk.inherent_band) == ("yellow", "red")
    assert not press_risk.needs_reassessment
    flag.refresh_from_db()
    assert flag.cleared_by == assessment
    zone = map_zones(plan)[0]
    assert zone.risk.band == "yellow" and zone.risk.colour == "#f5d90a"
    assert list(press_risk.assessments.values_list("residual_band", flat=True)) == [
        "yellow",
        "red",
    ]


def test_a_hazard_reported_at_a_risk_point_flags_it(zhang, press, press_risk):
    from safeloop.tenants.hazards.services import report_hazard

    hazard = report_hazard(by=zhang, area=press.area, equipment=press, description="油管渗漏")

    press_risk.refresh_from_db()
    assert press_risk.needs_reassessment
    assert press_risk.flags.get().reason == FlagReason.HAZARD_AT_POINT
    assert press_risk.flags.get().hazard == hazard


def test_a_hazard_elsewhere_flags_nothing(zhang, press_risk, in_acme):
    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.hazards.services import report_hazard

    elsewhere = Area.objects.exclude(pk=press_risk.area_id).filter(kind="area").first()
    report_hazard(by=zhang, area=elsewhere, description="地面油污")

    press_risk.refresh_from_db()
    assert not press_risk.needs_reassessment


def test_the_checklist_is_named_in_both_languages_whoever_syncs(wang, press, press_risk):
    from safeloop.tenants.facilities.models import Person

    Person.objects.filter(user=wang).update(language="en")

    with translation.override("en"):
        checklist = sync_check_items(press_risk, by=wang)

    # the Chinese name field reads Chinese even though Wang works in English
    assert (checklist.name, checklist.name_en) == ("Press R1检查表", "Press R1 checks")


def test_syncing_again_replaces_only_the_generated_items(wang, press, press_risk):
    checklist = sync_check_items(press_risk, by=wang)
    version = checklist.current_version
    assert sync_check_items(press_risk, by=wang).current_version == version  # nothing changed

    services.update_control_measure(
        press_risk.measures.get(), by=wang, check_label="光电保护装置灵敏有效"
    )
    checklist = sync_check_items(press_risk, by=wang)
    labels = list(checklist.current_version.items.values_list("label", flat=True))
    assert labels.count("光电保护装置灵敏有效") == 1
    assert "光电保护装置有效" not in labels

    services.remove_control_measure(press_risk.measures.get(), by=wang)
    checklist = sync_check_items(press_risk, by=wang)
    assert not checklist.current_version.items.exclude(source="").exists()


def test_residual_worse_than_inherent_is_refused(wang, press_risk):
    with pytest.raises(ValidationError) as caught:
        services.assess_risk(
            press_risk,
            by=wang,
            inherent={"l": 1, "e": 6, "c": 15},
            residual={"l": 6, "e": 6, "c": 15},
        )
    assert "residual" in caught.value.message_dict


def test_a_value_outside_the_table_is_refused_naming_the_field(wang, press_risk):
    with pytest.raises(ValidationError) as caught:
        services.assess_risk(press_risk, by=wang, inherent={"l": 4, "e": 6, "c": 15})
    assert "inherent_l" in caught.value.message_dict
    assert "0.1, 0.2, 0.5, 1, 3, 6, 10" in caught.value.message_dict["inherent_l"][0]
    press_risk.refresh_from_db()
    assert press_risk.assessments.count() == 1  # nothing recorded


def test_matrix_enterprises_assess_by_likelihood_and_severity(wang, press_risk):
    services.set_method(by=wang, method="matrix")
    services.assess_risk(press_risk, by=wang, inherent={"likelihood": 4, "severity": 4})
    press_risk.refresh_from_db()
    assert (press_risk.band, press_risk.score) == ("orange", 16)


def test_an_operator_cannot_assess_or_add_measures(zhang, press_risk):
    with pytest.raises(PermissionDenied):
        services.assess_risk(press_risk, by=zhang, inherent={"l": 1, "e": 1, "c": 1})
    with pytest.raises(PermissionDenied):
        services.add_control_measure(
            press_risk, by=zhang, kind="ppe", level="post", description="戴手套"
        )


def test_unknown_accident_types_are_refused(wang, press_risk):
    with pytest.raises(ValidationError) as caught:
        services.set_hazard_sources(
            press_risk, by=wang, sources=[{"description": "x", "accident_types": ["爆胎"]}]
        )
    assert "爆胎" in caught.value.message_dict["sources"][0]


def test_risk_points_stay_in_their_tenant(press_risk, in_globex):
    assert not RiskPoint.objects.filter(code="RP-PRESS-R1").exists()
