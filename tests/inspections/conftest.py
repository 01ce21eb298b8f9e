"""Inspection test helpers: points of Acme's stamping workshop W1, small real
photos, and complete answer sets for a checklist version.

Acme is a metal works, so its template gave it the universal checklists
DAILY-AREA (areas), EQUIP-<TYPE> (one per machine type, e.g. EQUIP-PRESS),
WEEKLY-SPECIAL (welding, assembly and power workshops) and MONTHLY (workshops).
Li Na leads W1's team; Zhang San operates there; Liu Qiang is Li's superior.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def next_mid_shift(now: datetime | None = None) -> datetime:
    """The middle of the shift after the one on at ``now``: four hours from either
    shift change (00:00, 08:00, 16:00 Asia/Shanghai) and never earlier than ``now``,
    so nothing made before the jump looks newer than what the test makes."""
    from django.utils import timezone

    from safeloop.tenants.hazards.forms_report import shift_for
    from safeloop.tenants.inspections.services.plans import shift_window

    now = now or timezone.now()
    _start, change = shift_window(shift_for(now), now)
    start, end = shift_window(shift_for(change), change)
    return start + (end - start) / 2


@pytest.fixture
def on_one_shift():
    """The test runs in the middle of a shift with the clock ticking: "the shift that
    is on now" stays the same from the set-up to the last request, however slow the run."""
    with time_machine.travel(next_mid_shift(), tick=True):
        yield


def make_photo(name: str = "check.jpg", color=(40, 120, 200)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), color).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def full_answers(version, *, fail_kind: str | None = None) -> tuple[dict, dict]:
    """Answers to every item of ``version`` that pass (``fail_kind``: fail the
    first item of that kind instead). Returns ``(answers, photos)`` keyed by item id."""
    answers, photos = {}, {}
    failed = False
    for item in version.items.all():
        fail = fail_kind == item.kind and not failed
        failed = failed or fail
        if item.kind == "pass_fail":
            answers[item.pk] = not fail
        elif item.kind == "number":
            low = item.number_min if item.number_min is not None else Decimal(0)
            high = item.number_max if item.number_max is not None else low + 10
            answers[item.pk] = high + 100 if fail else (low + high) / 2
        elif item.kind == "choice":
            good = [c for c in item.choices if c not in item.failing_choices]
            answers[item.pk] = item.failing_choices[0] if fail else good[0]
        elif item.kind == "text":
            answers[item.pk] = "all in order"
        elif item.kind == "photo":
            photos[item.pk] = make_photo()
    return answers, photos


@pytest.fixture
def w1(in_acme):
    from safeloop.tenants.facilities.models import Area

    return Area.objects.get(code="W1")


@pytest.fixture
def w1_areas(w1):
    from safeloop.tenants.facilities.models import Area

    return list(Area.objects.filter(parent=w1).order_by("code"))


@pytest.fixture
def area_point(w1_areas):
    """The point of W1's first area (the press line): DAILY-AREA applies."""
    from safeloop.tenants.inspections.models import Point

    return Point.objects.for_target(w1_areas[0])


@pytest.fixture
def press(w1_areas, wang):
    from safeloop.tenants.facilities.models import EquipmentType
    from safeloop.tenants.facilities.services import create_equipment

    return create_equipment(
        by=wang,
        code="PR-I01",
        name="Press 1",
        area=w1_areas[0],
        equipment_type=EquipmentType.objects.get(code="PRESS"),
    )


@pytest.fixture
def press_point(press):
    from safeloop.tenants.inspections.models import Point

    return Point.objects.for_target(press)


@pytest.fixture
def checklist(in_acme):
    from safeloop.tenants.inspections.models import Checklist

    def get(code: str):
        return Checklist.objects.select_related("current_version").get(code=code)

    return get


@pytest.fixture
def inspect(in_acme):
    """Start and submit an inspection in one go; returns the inspection."""
    from datetime import timedelta

    from django.utils import timezone

    from safeloop.tenants.inspections.services import start_inspection, submit_inspection

    def run(point, by, *, fail_kind=None, at=None, seconds=120, **extra):
        at = at or timezone.now()
        inspection = start_inspection(point, by=by, at=at - timedelta(seconds=seconds))
        answers, photos = full_answers(inspection.checklist_version, fail_kind=fail_kind)
        return submit_inspection(inspection, by=by, answers=answers, photos=photos, at=at, **extra)

    return run
