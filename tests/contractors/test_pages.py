"""The managers' contractor pages: who sees them, masked ID numbers, forms with clear
field errors, and nothing of another enterprise."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tenants.utils import tenant_context

from safeloop.contractors import services
from safeloop.contractors.models import ContractorCompany, ContractorWorker, SpecialCertificate
from safeloop.tenants.audit.models import AuditEvent
from tests.contractors.conftest import HENGDA_CODE, PNG_1PX, WU_ID, WU_MASKED


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_nav_shows_contractors_to_who_may_see_them(as_sun, hengda):
    assert "承包商" in _html(as_sun.get("/"))


def test_an_operator_has_no_contractor_pages(as_zhang, hengda, wu):
    assert as_zhang.get(reverse("contractors:companies")).status_code == 403
    assert as_zhang.get(reverse("contractors:company", args=[hengda.pk])).status_code == 403
    assert as_zhang.get(reverse("contractors:worker", args=[wu.pk])).status_code == 403
    assert "/k/" not in _html(as_zhang.get("/"))


def test_the_safety_officer_sees_workers_with_masked_id_numbers_only(as_sun, hengda, wu, wang):
    services.add_certificate(
        wu,
        by=wang,
        kind="welding",
        number="T1",
        issuer="北京市应急管理局",
        valid_until=date.today() + timedelta(days=6),
    )
    page = _html(as_sun.get(reverse("contractors:company", args=[hengda.pk])))
    assert WU_MASKED in page and WU_ID not in page
    assert 'data-status="expiring"' in page
    worker_page = _html(as_sun.get(reverse("contractors:worker", args=[wu.pk])))
    assert WU_MASKED in worker_page and WU_ID not in worker_page
    assert 'data-testid="id-reveal"' not in worker_page
    assert as_sun.post(reverse("contractors:worker_reveal", args=[wu.pk])).status_code == 403
    assert not AuditEvent.objects.filter(verb="contractors.id_number_revealed").exists()


def test_wang_reads_the_full_id_number_on_request_and_it_is_audited(as_wang, wu, wang):
    page = _html(as_wang.get(reverse("contractors:worker", args=[wu.pk])))
    assert WU_ID not in page and 'data-testid="id-reveal"' in page
    response = as_wang.post(reverse("contractors:worker_reveal", args=[wu.pk]))
    assert WU_ID in _html(response)
    assert "no-store" in response["Cache-Control"]
    (event,) = AuditEvent.objects.filter(verb="contractors.id_number_revealed")
    assert event.actor_id == wang.pk


def test_wang_adds_a_company_and_a_wrong_credit_code_is_named_beside_its_field(as_wang):
    url = reverse("contractors:company_new")
    data = {
        "name": "恒达建设",
        "credit_code": "91350100M000100Y44",
        "contact_name": "",
        "phone": "",
    }
    page = _html(as_wang.post(url, data))
    assert "统一社会信用代码" in page and "校验" in page
    assert not ContractorCompany.objects.exists()
    response = as_wang.post(url, data | {"credit_code": HENGDA_CODE})
    company = ContractorCompany.objects.get()
    assert response.status_code == 302 and response["Location"] == company.get_absolute_url()


def test_wang_registers_a_worker_with_consent_and_again_without_a_second_row(as_wang, hengda):
    url = reverse("contractors:worker_new", args=[hengda.pk])
    form_page = _html(as_wang.get(url))
    assert 'data-testid="privacy-notice"' in form_page
    data = {
        "name": "吴刚",
        "id_number": WU_ID,
        "phone": "13900139000",
        "work_types": ["welder"],
        "crew": "",
    }
    refused = _html(as_wang.post(url, data))  # Wang reads Chinese
    assert "须同意个人信息处理告知" in refused and not ContractorWorker.objects.exists()
    assert WU_ID in refused  # the manager's own input is kept in the form, nowhere else
    photo = SimpleUploadedFile("wu.png", PNG_1PX, content_type="image/png")
    response = as_wang.post(url, data | {"consent": "on", "photo": photo})
    worker = ContractorWorker.objects.get()
    assert response["Location"] == worker.get_absolute_url()
    assert as_wang.get(reverse("contractors:worker_photo", args=[worker.pk])).status_code == 200
    as_wang.post(url, data | {"consent": "on", "work_types": ["height"]})
    assert ContractorWorker.objects.count() == 1
    assert ContractorWorker.objects.get().work_types == ["welder", "height"]


def test_an_impossible_id_number_is_named_beside_its_field(as_wang, hengda):
    url = reverse("contractors:worker_new", args=[hengda.pk])
    data = {"name": "吴刚", "id_number": WU_ID[:-1] + "9", "consent": "on"}
    page = _html(as_wang.post(url, data))
    assert "身份证号" in page and "校验位" in page
    assert not ContractorWorker.objects.exists()


def test_an_expired_certificate_is_refused_on_the_form(as_wang, wu):
    url = reverse("contractors:certificate_new", args=[wu.pk])
    data = {
        "kind": "welding",
        "number": "T1",
        "issuer": "应急管理局",
        "valid_until": (date.today() - timedelta(days=1)).isoformat(),
    }
    page = _html(as_wang.post(url, data))
    assert "该证书已过期" in page and not SpecialCertificate.objects.exists()
    data["valid_until"] = (date.today() + timedelta(days=365)).isoformat()
    assert as_wang.post(url, data).status_code == 302
    worker_page = _html(as_wang.get(reverse("contractors:worker", args=[wu.pk])))
    assert 'data-status="valid"' in worker_page


@pytest.mark.parametrize("path", ["companies", "worker"])
def test_globex_sees_none_of_acmes_contractors(as_chen, globex, wu, path):
    with tenant_context(globex):
        listing = as_chen.get(reverse("contractors:companies"))
        assert listing.status_code == 200 and "恒达" not in listing.content.decode()
        assert as_chen.get(reverse("contractors:worker", args=[wu.pk])).status_code == 404
        assert as_chen.get(reverse("contractors:worker_photo", args=[wu.pk])).status_code == 404
