"""The hazard page of a major hazard: its legal path, the principal's approval, the
assessment's two buttons, and the report PDF for the regulator and the 职代会."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safeloop.tenants.facilities.models import Area
from safeloop.tenants.hazards import major, services
from safeloop.tenants.hazards.models import Hazard, MajorCase
from tests.hazards.conftest import make_photo, make_signature
from tests.support.documents import pdf_text

pytestmark = pytest.mark.django_db


# PROC-002 有限空间作业未审批: the clause check puts this clause on record.
CLAUSE = "第十四条第（二）项"


@pytest.fixture
def major_hazard(zhang, w1_area, library):
    return services.report_hazard(
        by=zhang,
        area=w1_area,
        library_entry=library("major", "process"),
        photos=[make_photo()],
        description="3号地坑清淤，未办理有限空间作业审批即下坑",
    )


def _plan_form(deadline) -> dict:
    return {
        "plan-goal": "有限空间作业纳入审批",
        "plan-measures": "停止作业，办理作业票，通风检测后作业",
        "plan-funds": "维修费 2 万元",
        "plan-people": "车间主任牵头，安全员监督",
        "plan-deadline": f"{timezone.localtime(deadline):%Y-%m-%dT%H:%M}",
        "plan-interim_measures": "挂牌停用，设警戒",
    }


def test_the_safety_officer_stops_the_work_and_drafts_the_plan_on_the_page(as_sun, major_hazard):
    page = reverse("hazards:detail", args=[major_hazard.pk])
    body = as_sun.get(page).content.decode()
    assert 'data-testid="major-case"' in body
    assert 'data-testid="action-stop_work"' in body and 'data-testid="action-plan"' in body

    as_sun.post(
        reverse("hazards:act", args=[major_hazard.pk, "stop_work"]),
        {"stop_work-scope": "3号地坑停止作业"},
    )
    response = as_sun.post(
        reverse("hazards:act", args=[major_hazard.pk, "plan"]),
        _plan_form(timezone.now() + timedelta(days=10)),
    )
    assert response.status_code == 302
    body = as_sun.get(page).content.decode()
    assert 'data-testid="stop-work"' in body and "3号地坑停止作业" in body
    assert "有限空间作业纳入审批" in body
    assert 'data-testid="action-approve_plan"' not in body  # not the principal's page


def test_a_plan_missing_its_parts_comes_back_with_each_named(as_sun, major_hazard):
    form = _plan_form(timezone.now() - timedelta(days=1))
    form["plan-funds"] = ""
    response = as_sun.post(reverse("hazards:act", args=[major_hazard.pk, "plan"]), form)
    assert response.status_code == 200
    body = response.content.decode()
    assert "治理方案的此项内容必填。" in body  # the pages speak Chinese to Acme's people
    assert "治理时限须晚于当前时间。" in body
    assert MajorCase.objects.get(hazard=major_hazard).plan_at is None


def test_the_principal_approves_on_the_page(sun, as_he, major_hazard):
    deadline = timezone.now() + timedelta(days=12)
    major.save_plan(
        major_hazard,
        by=sun,
        goal="g",
        measures="m",
        funds="f",
        people="p",
        deadline=deadline,
        interim_measures="i",
    )
    page = reverse("hazards:detail", args=[major_hazard.pk])
    assert 'data-testid="action-approve_plan"' in as_he.get(page).content.decode()

    as_he.post(reverse("hazards:act", args=[major_hazard.pk, "approve_plan"]), {})

    assert Hazard.objects.get(pk=major_hazard.pk).deadline == deadline.replace(
        second=deadline.second, microsecond=deadline.microsecond
    )
    assert "He Jun 于" in as_he.get(page).content.decode()  # "He Jun 于 <when> 批准"


def test_the_report_pdf_holds_the_clause_the_plan_and_the_assessment(
    sun, liu, li, zhou, he, as_sun, major_hazard, tmp_path
):
    major.order_stop_work(major_hazard, by=sun, scope="3号地坑停止作业")
    major.save_plan(
        major_hazard,
        by=sun,
        goal="有限空间作业纳入审批",
        measures="委托有资质单位更换",
        funds="维修费 2 万元",
        people="设备部",
        deadline=timezone.now() + timedelta(days=5),
        interim_measures="挂牌停用",
    )
    major.approve_plan(major_hazard, by=he)
    hazard = services.submit_rectification(
        Hazard.objects.get(pk=major_hazard.pk),
        by=liu,
        description="已补办审批，通风检测合格",
        after_photos=[make_photo()],
        signature_data_url=make_signature(),
    )
    for person in (li, sun, zhou):
        hazard = services.accept(hazard, by=person, signature_data_url=make_signature())
    major.record_assessment(
        hazard, by=sun, assessors="外聘专家李工", conclusion="整改有效", passed=True
    )

    response = as_sun.get(reverse("hazards:major_report", args=[hazard.pk]))

    assert response["Content-Type"] == "application/pdf"
    text = "".join(pdf_text(response.content, tmp_path)).replace(" ", "")
    for expected in (
        "重大事故隐患报告",
        hazard.number,
        "有限空间作业纳入审批",
        "维修费2万元",
        "3号地坑停止作业",
    ):
        assert expected in text
    assert "外聘专家李工" in text and "整改有效" in text
    assert CLAUSE in text and "判定标准" in text


def test_the_report_is_not_for_an_operator_nor_for_an_ordinary_hazard(
    acme_client, sun, major_hazard, zhang, w1_area, library
):
    acme_client.force_login(zhang)
    response = acme_client.get(reverse("hazards:major_report", args=[major_hazard.pk]))
    assert response.status_code in (403, 404)
    acme_client.force_login(sun)
    as_sun = acme_client
    ordinary = services.report_hazard(
        by=zhang, area=w1_area, library_entry=library("general"), photos=[make_photo()]
    )
    assert as_sun.get(reverse("hazards:major_report", args=[ordinary.pk])).status_code == 404


def test_everyone_who_scans_the_place_sees_the_stop_work_order_until_the_sign_off(
    sun, zhang, acme_client, major_hazard, w1_area
):
    acme_client.force_login(zhang)
    workshop = major_hazard.area.parent
    places = [major_hazard.area, workshop]  # the area's label and its workshop's
    for place in places:
        assert (
            'data-testid="point-stop-work"'
            not in acme_client.get(f"/q/{place.qr_token}/").content.decode()
        )

    major.order_stop_work(major_hazard, by=sun, scope="3号地坑停止作业，入口上锁")
    for place in places:
        body = acme_client.get(f"/q/{place.qr_token}/").content.decode()
        assert 'data-testid="point-stop-work"' in body
        assert "3号地坑停止作业，入口上锁" in body and major_hazard.number in body
    elsewhere = Area.objects.filter(kind="workshop").exclude(pk=workshop.pk).first()
    assert "point-stop-work" not in acme_client.get(f"/q/{elsewhere.qr_token}/").content.decode()

    major.lift_stop(major_hazard, by=sun)
    body = acme_client.get(f"/q/{major_hazard.area.qr_token}/").content.decode()
    assert 'data-testid="point-stop-work"' not in body
