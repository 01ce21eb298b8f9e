"""A failed item of a supplier's report becomes a hazard on that supplier's list.

Huaxin (华鑫物资) answered "Not OK" on its chemicals store, with a picture; Wang Wei
(contractor manager) turns it into a hazard in workshop W1. Sun Hao (safety officer)
and Zhang San (operator) may not. Dongfang (东方化工), another supplier, never sees
Huaxin's report, files or hazards through its own link.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from safeloop.contractors import services
from safeloop.contractors.models import ReportAttachment, SupplierHazard
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.models import Area
from safeloop.tenants.hazards.models import Hazard
from tests.contractors.conftest import HENGDA_CODE, OTHER_CODE, PNG_1PX

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)


@pytest.fixture
def form(wang):
    return services.set_form(
        by=wang, title="供应商月度安全自查表", items=["消防器材完好有效", "危化品按规定存放"]
    )


@pytest.fixture
def huaxin(wang):
    return services.create_supplier(
        by=wang, name="华鑫物资有限公司", credit_code=HENGDA_CODE, contact_name="钱敏"
    )


@pytest.fixture
def dongfang(wang):
    return services.create_supplier(by=wang, name="东方化工", credit_code=OTHER_CODE)


@pytest.fixture
def w1(in_acme):
    return Area.objects.filter(kind="workshop").order_by("code").first()


def _report(supplier, *, submit=True, with_picture=True):
    report = services.open_report(supplier, today=TODAY)
    ok, failed = report.answers.all()
    files = [SimpleUploadedFile("store.png", PNG_1PX, content_type="image/png")]
    services.save_answers(
        report,
        supplier=supplier,
        answers=[
            services.Answer(ok.item_id, "ok"),
            services.Answer(
                failed.item_id, "not_ok", "仓库通风不良", files=files if with_picture else []
            ),
        ],
    )
    if submit:
        services.submit_report(report, supplier=supplier)
    return report, ok, failed


def _code(caught) -> tuple[str, str]:
    ((field, errors),) = caught.value.error_dict.items()
    return field, errors[0].code


def test_a_failed_item_becomes_one_hazard_on_the_suppliers_list(form, huaxin, wang, w1):
    report, _ok, failed = _report(huaxin)

    hazard = services.create_hazard_from_report_item(failed, by=wang, area=w1, grade="serious")
    again = services.create_hazard_from_report_item(failed, by=wang, area=w1)

    assert again == hazard and Hazard.objects.count() == 1
    assert hazard.title == "华鑫物资有限公司: 危化品按规定存放"
    assert "仓库通风不良" in hazard.description and "2026-12" in hazard.description
    assert hazard.grade == "serious" and hazard.area == w1 and hazard.reporter == wang
    assert hazard.photos.count() == 1  # the supplier's picture
    assert [link.hazard for link in services.hazards_of(huaxin)] == [hazard]
    event = AuditEvent.objects.get(verb="contractors.selfinspection_hazard_reported")
    assert event.actor_id == wang.pk and event.data["hazard"] == hazard.number
    assert AuditEvent.objects.filter(verb="hazard.reported", object_id=str(hazard.pk)).exists()


def test_only_a_not_ok_item_of_a_handed_in_report_with_an_area_becomes_a_hazard(
    form, huaxin, wang, w1
):
    report, ok, failed = _report(huaxin, submit=False)
    with pytest.raises(ValidationError) as caught:
        services.create_hazard_from_report_item(failed, by=wang, area=w1)
    assert _code(caught) == ("answer", "not_submitted")
    services.submit_report(report, supplier=huaxin)
    with pytest.raises(ValidationError) as caught:
        services.create_hazard_from_report_item(ok, by=wang, area=w1)
    assert _code(caught) == ("answer", "not_failed")
    with pytest.raises(ValidationError) as caught:
        services.create_hazard_from_report_item(failed, by=wang, area=None)
    assert _code(caught) == ("area", "required")
    assert not Hazard.objects.exists() and not SupplierHazard.objects.exists()


def test_a_safety_officer_or_operator_cannot_raise_it(form, huaxin, sun, zhang, w1):
    _report_, _ok, failed = _report(huaxin)
    for user in (sun, zhang):
        with pytest.raises(PermissionDenied):
            services.create_hazard_from_report_item(failed, by=user, area=w1)
    assert not Hazard.objects.exists()


# --- Pages -------------------------------------------------------------------------


def _supplier_client() -> Client:
    return Client(HTTP_HOST=f"acme.{settings.SAFELOOP_BASE_DOMAIN}")


def _token(supplier) -> str:
    return services.supplier_link_token(supplier)


def test_the_reviewer_raises_it_from_the_report_page_and_both_sides_see_it(
    as_wang, form, huaxin, w1
):
    report, _ok, failed = _report(huaxin)
    review = reverse("contractors:report", args=[report.pk])
    page = as_wang.get(review).content.decode()
    assert 'data-testid="hazard-raise"' in page and f'id="hazard-{failed.pk}"' in page

    url = reverse("contractors:answer_hazard", args=[failed.pk])
    assert as_wang.post(url, {"area": w1.pk, "grade": "general"}).status_code == 302
    as_wang.post(url, {"area": w1.pk, "grade": "general"})  # a second tap
    hazard = Hazard.objects.get()

    page = as_wang.get(review).content.decode()
    assert hazard.number in page and 'data-testid="hazard-raise"' not in page
    detail = as_wang.get(reverse("contractors:supplier", args=[huaxin.pk])).content.decode()
    assert hazard.number in detail and reverse("hazards:detail", args=[hazard.pk]) in detail

    # The supplier sees the number, title and state; nobody's name.
    mine = _supplier_client().get(reverse("supplier_report", args=[_token(huaxin)]))
    text = mine.content.decode()
    assert hazard.number in text and hazard.get_state_display() in text
    link = SupplierHazard.objects.get()
    one = _supplier_client().get(reverse("supplier_hazard", args=[_token(huaxin), link.pk]))
    shown = one.content.decode()
    assert one.status_code == 200 and hazard.number in shown
    assert hazard.assignee is not None  # routed to someone, whose name stays inside
    for page_text in (text, shown):
        assert hazard.assignee.full_name not in page_text
        assert "Wang Wei" not in page_text


def test_a_page_post_without_an_area_names_the_field(as_wang, form, huaxin):
    report, _ok, failed = _report(huaxin)
    url = reverse("contractors:answer_hazard", args=[failed.pk])
    response = as_wang.post(url, {"area": "", "grade": "general"}, follow=True)
    assert "区域" in response.content.decode() or "area" in response.content.decode()
    assert not Hazard.objects.exists()


def test_a_viewer_cannot_post_a_hazard(as_sun, form, huaxin, w1):
    _report_, _ok, failed = _report(huaxin)
    url = reverse("contractors:answer_hazard", args=[failed.pk])
    assert as_sun.post(url, {"area": w1.pk}).status_code == 403
    assert not Hazard.objects.exists()


def test_a_supplier_never_opens_another_suppliers_report_files_or_hazards(
    form, huaxin, dongfang, wang, w1
):
    report, _ok, failed = _report(huaxin)
    services.create_hazard_from_report_item(failed, by=wang, area=w1)
    attachment = ReportAttachment.objects.get()
    link = SupplierHazard.objects.get()
    phone = _supplier_client()
    own, other = _token(huaxin), _token(dongfang)

    # Huaxin's own link opens all three.
    assert phone.get(reverse("supplier_past_report", args=[own, report.pk])).status_code == 200
    assert phone.get(reverse("supplier_file", args=[own, attachment.pk])).status_code == 200
    assert phone.get(reverse("supplier_hazard", args=[own, link.pk])).status_code == 200
    # Dongfang's link: not there.
    assert phone.get(reverse("supplier_past_report", args=[other, report.pk])).status_code == 404
    assert phone.get(reverse("supplier_file", args=[other, attachment.pk])).status_code == 404
    assert phone.get(reverse("supplier_hazard", args=[other, link.pk])).status_code == 404
    page = phone.get(reverse("supplier_report", args=[other])).content.decode()
    assert link.hazard.number not in page and "华鑫" not in page


def test_another_enterprise_cannot_raise_acmes_item(as_chen, globex, form, huaxin, w1):
    from django_tenants.utils import tenant_context

    _report_, _ok, failed = _report(huaxin)
    with tenant_context(globex):
        url = reverse("contractors:answer_hazard", args=[failed.pk])
        assert as_chen.post(url, {"area": w1.pk}).status_code == 404
    assert not Hazard.objects.exists()


def test_a_viewer_sees_the_suppliers_hazards_but_cannot_raise_one(as_sun, form, huaxin, wang, w1):
    report, _ok, failed = _report(huaxin)
    hazard = services.create_hazard_from_report_item(failed, by=wang, area=w1)
    detail = as_sun.get(reverse("contractors:supplier", args=[huaxin.pk])).content.decode()
    assert hazard.number in detail
    review = as_sun.get(reverse("contractors:report", args=[report.pk])).content.decode()
    assert hazard.number in review and 'data-testid="hazard-raise"' not in review
