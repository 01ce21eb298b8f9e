"""A failed item becomes a hazard in one call, through the hazard services."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safeloop.tenants.hazards.models import Hazard, State
from safeloop.tenants.inspections.services import create_hazard_from_answer
from tests.inspections.conftest import make_photo

pytestmark = pytest.mark.django_db


def _failed_answer(inspection):
    return inspection.answers.select_related("item").get(passed=False)


def test_a_failed_answer_becomes_a_routed_hazard_with_its_photo(
    zhang, li, press, press_point, inspect
):
    # Zhang finds the press's emergency stop dead and adds a photo to the item.
    inspection = inspect(press_point, zhang, fail_kind="pass_fail", latitude=31.2, longitude=121.5)
    answer = _failed_answer(inspection)
    answer.photo.save("fail.jpg", make_photo(), save=True)

    hazard = create_hazard_from_answer(answer, by=zhang)

    hazard = Hazard.objects.get(pk=hazard.pk)
    assert hazard.area == press.area and hazard.equipment == press
    assert answer.item.label in hazard.description
    assert hazard.photos.count() == 1
    assert hazard.reporter == zhang
    assert hazard.state == State.ASSIGNED and hazard.assignee == li.person  # routed: W1's leader
    answer.refresh_from_db()
    assert answer.hazard == hazard


def test_an_area_answer_reports_at_that_area(zhang, area_point, inspect):
    inspection = inspect(area_point, zhang, fail_kind="number")

    hazard = create_hazard_from_answer(_failed_answer(inspection), by=zhang, grade="serious")

    assert hazard.area == area_point.area and hazard.equipment is None
    assert hazard.grade == "serious"
    assert "°C" in hazard.description


def test_reporting_the_same_answer_twice_gives_the_same_hazard(zhang, area_point, inspect):
    answer = _failed_answer(inspect(area_point, zhang, fail_kind="pass_fail"))

    first = create_hazard_from_answer(answer, by=zhang)
    again = create_hazard_from_answer(answer, by=zhang)

    assert first.pk == again.pk
    assert Hazard.objects.filter(pk=first.pk).count() == 1


def test_a_passed_answer_is_not_a_hazard(zhang, area_point, inspect):
    inspection = inspect(area_point, zhang)
    answer = inspection.answers.filter(passed=True).first()

    with pytest.raises(ValidationError) as raised:
        create_hazard_from_answer(answer, by=zhang)

    assert raised.value.error_dict["answer"][0].code == "not_failed"


def test_a_verifier_cannot_report_from_an_answer(zhang, zhao, area_point, inspect):
    answer = _failed_answer(inspect(area_point, zhang, fail_kind="pass_fail"))

    with pytest.raises(PermissionDenied):
        create_hazard_from_answer(answer, by=zhao)
