"""A failed item becomes a hazard in one call, through the hazard services."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from PIL import Image, ImageChops

from safeloop.tenants.hazards.models import Hazard, State
from safeloop.tenants.inspections.services import (
    create_hazard_from_answer,
    start_inspection,
    submit_inspection,
)
from tests.inspections.conftest import full_answers, make_photo

pytestmark = pytest.mark.django_db


def _failed_answer(inspection):
    return inspection.answers.select_related("item").get(passed=False)


def test_a_failed_answer_becomes_a_routed_hazard_with_its_photo(
    zhang, liu, press, press_point, inspect
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
    assert hazard.state == State.ASSIGNED and hazard.assignee == liu.person  # W1's owner (属地)
    answer.refresh_from_db()
    assert answer.hazard == hazard


# A stamp band darkens the photo's bottom rows with black at alpha 150: each
# band leaves (255 - 150) / 255 of the colour under it.
BAND_KEEPS = (255 - 150) / 255


def _stamp_bands(field) -> int:
    """How many stamp bands lie over the bottom-left corner of a one-colour photo."""
    with field.open("rb") as stored, Image.open(stored) as image:
        rgb = image.convert("RGB")
        plain = rgb.getpixel((2, 2))[2]  # blue, the brightest channel of make_photo()'s colour
        banded = rgb.getpixel((2, rgb.height - 3))[2]
    return round(math.log(banded / plain) / math.log(BAND_KEEPS))


def test_the_hazard_keeps_the_answer_photo_stamped_once_under_the_tenants_key(zhang, area_point):
    # Zhang photographs the blocked fire exit with the failed item; submitting stamps it.
    at = timezone.now()
    inspection = start_inspection(area_point, by=zhang, at=at - timedelta(minutes=2))
    answers, photos = full_answers(inspection.checklist_version, fail_kind="pass_fail")
    failed = next(i for i in inspection.checklist_version.items.all() if answers.get(i.pk) is False)
    photos[failed.pk] = make_photo("exit.jpg")
    submit_inspection(inspection, by=zhang, answers=answers, photos=photos, at=at)
    answer = inspection.answers.get(item=failed)
    assert _stamp_bands(answer.photo) == 1

    hazard = create_hazard_from_answer(answer, by=zhang)

    [photo] = hazard.photos.all()
    assert _stamp_bands(photo.image) == 1
    with answer.photo.open("rb") as a, photo.image.open("rb") as h:
        with Image.open(a) as answer_image, Image.open(h) as hazard_image:
            assert hazard_image.size == answer_image.size == (photo.width, photo.height)
            assert ImageChops.difference(answer_image, hazard_image).getbbox() is None
    # A copy of its own under Acme's schema: deleting one file leaves the other.
    assert photo.image.name.startswith("acme/hazards/")
    assert photo.image.name != answer.photo.name


def test_an_area_answer_reports_at_that_area(zhang, area_point, inspect):
    inspection = inspect(area_point, zhang, fail_kind="number")

    hazard = create_hazard_from_answer(_failed_answer(inspection), by=zhang, grade="serious")

    assert hazard.area == area_point.area and hazard.equipment is None
    assert hazard.grade == "serious"
    assert "℃" in hazard.description


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
