"""A plan's limits: one more person, QR point or device than the plan allows is refused
by the service that creates it, with a message naming the limit and how to raise it;
nothing already there is removed.

Acme is on the Standard plan here, with its limits set to what it has now; Wang Wei is
its admin.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from safeloop.iot_bridge.services.devices import SensorSpec, count_devices, register_device
from safeloop.platform.limits import PLAN_LIMIT_CODE, Limit, ensure_within_limit
from safeloop.platform.models import BillingPlan, Enterprise
from safeloop.tenants.facilities.models import Area, AreaKind
from safeloop.tenants.facilities.services import (
    count_people,
    count_qr_points,
    create_area,
    create_person,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _on_plan(code: str, **limits) -> BillingPlan:
    Enterprise.objects.filter(schema_name="acme").update(plan=code)
    BillingPlan.objects.filter(code=code).update(**limits)
    return BillingPlan.objects.get(code=code)


def _message(exc: pytest.ExceptionInfo) -> str:
    (error,) = exc.value.error_dict["__all__"]
    assert error.code == PLAN_LIMIT_CODE
    return error.message


def test_the_standard_plan_refuses_the_201st_person_and_says_how_to_raise_it(wang):
    _on_plan("standard", max_people=count_people())
    before = count_people()

    with pytest.raises(ValidationError) as refused:
        create_person(by=wang, email="new@acme.test", full_name="Xu Bo", employee_no="E7001")

    assert _message(refused) == (
        f"Your Standard plan allows {before} people; upgrade to Professional on the billing page."
    )
    assert count_people() == before  # nothing made, nothing removed


def test_qr_points_are_areas_and_machines_and_the_top_plan_says_to_contact_support(wang):
    _on_plan("professional", max_qr_points=count_qr_points())
    workshop = Area.objects.filter(kind=AreaKind.WORKSHOP).first()

    with pytest.raises(ValidationError) as refused:
        create_area(by=wang, code="W1-Z", name="新区", kind=AreaKind.AREA, parent=workshop)

    assert "allows" in _message(refused) and "QR points" in _message(refused)
    assert "contact SafeLoop support" in _message(refused)
    assert not Area.objects.filter(code="W1-Z").exists()


def test_iot_devices_over_the_limit_are_refused_in_register_device(wang):
    _on_plan("standard", max_devices=count_devices())
    area = Area.objects.filter(kind=AreaKind.AREA).first()

    with pytest.raises(ValidationError) as refused:
        register_device(
            by=wang,
            code="gd-999",
            name="Gas",
            kind="gas",
            area=area,
            sensors=[SensorSpec("h2s", "ppm", 0, 100)],
        )

    assert "IoT devices" in _message(refused) and "Professional" in _message(refused)


def test_the_trial_is_generous_and_a_raised_limit_counts_at_once(wang):
    trial = BillingPlan.objects.get(code="trial")
    assert trial.max_people >= 1000 and trial.max_qr_points >= 1000 and trial.max_devices >= 100
    ensure_within_limit(Limit.PEOPLE, used=count_people())  # acme is on the trial

    _on_plan("standard", max_people=count_people())
    with pytest.raises(ValidationError):
        ensure_within_limit(Limit.PEOPLE, used=count_people())
    BillingPlan.objects.filter(code="standard").update(max_people=count_people() + 1)
    ensure_within_limit(Limit.PEOPLE, used=count_people())


def test_the_people_page_shows_the_limit_above_the_form_in_chinese(as_wang):
    _on_plan("standard", max_people=count_people())

    page = as_wang.post(
        "/w/people/new/",
        {"email": "new@acme.test", "full_name": "Xu Bo", "employee_no": "E7001"},
        HTTP_ACCEPT_LANGUAGE="zh-CN",
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert "您的标准版套餐最多" in html and "专业版" in html
    assert connection.schema_name == "acme"
