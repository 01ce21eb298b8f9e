"""Submitting an inspection: validation per item kind, photos, GPS and timing flags."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.inspections.models import Answer, Inspection
from safeloop.tenants.inspections.services import (
    set_point_location,
    start_inspection,
    submit_inspection,
)
from tests.inspections.conftest import full_answers

pytestmark = pytest.mark.django_db


def _item(inspection, kind: str, **filters):
    return inspection.checklist_version.items.filter(kind=kind, **filters).first()


def _codes(raised) -> dict[str, str]:
    return {field: errors[0].code for field, errors in raised.value.error_dict.items()}


def test_a_complete_passing_inspection_is_recorded_with_stamped_photos(zhang, area_point):
    inspection = start_inspection(area_point, by=zhang)
    answers, photos = full_answers(inspection.checklist_version)

    submit_inspection(
        inspection, by=zhang, answers=answers, photos=photos, latitude=31.2, longitude=121.5
    )

    inspection.refresh_from_db()
    assert inspection.result == "pass" and inspection.submitted_at is not None
    assert inspection.checklist_version.checklist.code == "DAILY-AREA"
    assert inspection.answers.count() == inspection.checklist_version.items.count()
    photo_answer = inspection.answers.get(item__kind="photo")
    assert photo_answer.photo.name.endswith(".jpg") and photo_answer.passed is True
    assert inspection.answers.get(item__kind="text").passed is None
    assert AuditEvent.objects.filter(
        verb="inspection.submitted", object_id=str(inspection.pk)
    ).exists()


def test_opening_the_same_point_again_picks_up_the_unsubmitted_inspection(zhang, area_point):
    first = start_inspection(area_point, by=zhang)

    assert start_inspection(area_point, by=zhang).pk == first.pk


def test_a_number_out_of_range_fails_the_item_and_the_inspection(zhang, area_point):
    inspection = start_inspection(area_point, by=zhang)
    answers, photos = full_answers(inspection.checklist_version)
    temperature = _item(inspection, "number")  # 5–35 °C
    answers[temperature.pk] = "41.5"

    submit_inspection(inspection, by=zhang, answers=answers, photos=photos)

    answer = Answer.objects.get(inspection=inspection, item=temperature)
    assert answer.passed is False and str(answer.value_number) == "41.500"
    assert Inspection.objects.get(pk=inspection.pk).result == "fail"


def test_a_failing_choice_fails_the_item(zhang, area_point):
    inspection = start_inspection(area_point, by=zhang)
    answers, photos = full_answers(inspection.checklist_version, fail_kind="choice")

    submit_inspection(inspection, by=zhang, answers=answers, photos=photos)

    assert inspection.answers.get(item__kind="choice").passed is False


def test_a_missing_required_answer_is_refused_and_nothing_is_stored(zhang, area_point):
    inspection = start_inspection(area_point, by=zhang)
    answers, photos = full_answers(inspection.checklist_version)
    first = _item(inspection, "pass_fail")
    del answers[first.pk]

    with pytest.raises(ValidationError) as raised:
        submit_inspection(inspection, by=zhang, answers=answers, photos=photos)

    assert _codes(raised) == {f"item_{first.pk}": "required"}
    assert not Answer.objects.filter(inspection=inspection).exists()
    assert Inspection.objects.get(pk=inspection.pk).submitted_at is None


def test_an_optional_item_may_be_left_out(zhang, area_point):
    inspection = start_inspection(area_point, by=zhang)
    answers, photos = full_answers(inspection.checklist_version)
    remark = _item(inspection, "text", required=False)
    del answers[remark.pk]

    submit_inspection(inspection, by=zhang, answers=answers, photos=photos)

    assert not inspection.answers.filter(item=remark).exists()


def test_a_photo_item_without_a_photo_is_refused(zhang, area_point):
    inspection = start_inspection(area_point, by=zhang)
    answers, _photos = full_answers(inspection.checklist_version)

    with pytest.raises(ValidationError) as raised:
        submit_inspection(inspection, by=zhang, answers=answers, photos={})

    photo_item = _item(inspection, "photo")
    assert _codes(raised) == {f"item_{photo_item.pk}": "photo_required"}


@pytest.mark.parametrize(
    ("kind", "value"), [("number", "warm"), ("choice", "绝佳"), ("pass_fail", "maybe")]
)
def test_unreadable_answers_are_refused(zhang, area_point, kind, value):
    inspection = start_inspection(area_point, by=zhang)
    answers, photos = full_answers(inspection.checklist_version)
    item = _item(inspection, kind)
    answers[item.pk] = value

    with pytest.raises(ValidationError) as raised:
        submit_inspection(inspection, by=zhang, answers=answers, photos=photos)

    assert _codes(raised) == {f"item_{item.pk}": "invalid"}


def test_a_file_that_is_not_a_photo_is_refused_on_its_item(zhang, area_point):
    from django.core.files.uploadedfile import SimpleUploadedFile

    inspection = start_inspection(area_point, by=zhang)
    answers, photos = full_answers(inspection.checklist_version)
    photo_item = _item(inspection, "photo")
    photos[photo_item.pk] = SimpleUploadedFile("x.jpg", b"not an image", "image/jpeg")

    with pytest.raises(ValidationError) as raised:
        submit_inspection(inspection, by=zhang, answers=answers, photos=photos)

    assert _codes(raised) == {f"item_{photo_item.pk}": "photo_invalid"}


def test_submitting_far_from_the_point_is_flagged_not_refused(wang, zhang, area_point, inspect):
    set_point_location(area_point, by=wang, latitude="31.230400", longitude="121.473700")

    far = inspect(area_point, zhang, latitude=31.2404, longitude=121.4737)  # ~1.1 km north
    near = inspect(area_point, zhang, latitude=31.2305, longitude=121.4737)  # ~11 m

    assert far.far_from_point and far.submitted_at and 1000 < far.distance_m < 1200
    assert not near.far_from_point and near.distance_m < 20


def test_without_a_recorded_location_no_distance_is_judged(zhang, area_point, inspect):
    inspection = inspect(area_point, zhang, latitude=31.2, longitude=121.4)

    assert inspection.distance_m is None and not inspection.far_from_point


def test_answering_faster_than_two_seconds_an_item_is_flagged(zhang, area_point, inspect):
    hurried = inspect(area_point, zhang, seconds=10)  # 16 items in 10 s
    careful = inspect(area_point, zhang, seconds=300)

    assert hurried.too_fast and hurried.result == "pass"
    assert not careful.too_fast


def test_only_the_inspector_submits_and_only_once(zhang, li, area_point):
    inspection = start_inspection(area_point, by=zhang)
    answers, photos = full_answers(inspection.checklist_version)

    with pytest.raises(PermissionDenied):
        submit_inspection(inspection, by=li, answers=answers, photos=photos)
    submit_inspection(inspection, by=zhang, answers=answers, photos=photos)
    answers, photos = full_answers(inspection.checklist_version)
    with pytest.raises(ValidationError) as raised:
        submit_inspection(inspection, by=zhang, answers=answers, photos=photos)
    assert _codes(raised) == {"inspection": "already_submitted"}


def test_answers_for_another_checklist_are_refused(zhang, area_point, press_point):
    mine = start_inspection(area_point, by=zhang)
    other = start_inspection(press_point, by=zhang)
    answers, photos = full_answers(other.checklist_version)

    with pytest.raises(ValidationError) as raised:
        submit_inspection(mine, by=zhang, answers=answers, photos=photos)

    assert _codes(raised) == {"answers": "invalid"}


def test_a_verifier_cannot_inspect(zhao, area_point):
    with pytest.raises(PermissionDenied):
        start_inspection(area_point, by=zhao)


def test_a_point_without_a_checklist_cannot_be_inspected(zhang, in_acme):
    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.inspections.models import Point

    site = Point.objects.for_target(Area.objects.get(code="S1"))  # nothing binds the site

    with pytest.raises(ValidationError) as raised:
        start_inspection(site, by=zhang)

    assert _codes(raised) == {"checklist": "no_checklist"}


def test_a_stale_unsubmitted_inspection_is_not_picked_up_again(zhang, area_point):
    old = start_inspection(area_point, by=zhang, at=timezone.now() - timedelta(days=1))

    assert start_inspection(area_point, by=zhang).pk != old.pk
