"""A supplier's monthly self-inspection on a phone (390 × 844, Chinese), through the
link a manager copied: every tap target is 44 px, the CSP refuses nothing; the
supplier answers, attaches a PDF and submits; the reviewer returns one item with a
comment; the supplier sees it, corrects and resubmits; the reviewer accepts."""

from __future__ import annotations

import random

import pytest
from playwright.sync_api import Browser

from e2e.test_csp import Watcher
from e2e.test_tap_targets import MEASURE, PHONE, TAP
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


def _credit_code() -> str:
    from safeloop.contractors.validators import CREDIT_CODE_ALPHABET, credit_code_check_char

    first = "91350100" + "".join(random.choice(CREDIT_CODE_ALPHABET) for _ in range(9))
    return first + credit_code_check_char(first)


def _set_up() -> dict:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.contractors import services

    with schema_context("acme"):
        wang = get_user_model().objects.get(email="wang@acme.test")
        services.set_form(
            by=wang,
            title="供应商月度安全自查表",
            items=["消防器材完好有效", "危化品按规定存放", "特种作业人员持证上岗"],
        )
        supplier = services.create_supplier(by=wang, name="华鑫物资", credit_code=_credit_code())
        return {"pk": supplier.pk, "token": services.supplier_link_token(supplier)}


def _review(pk: int, accept: bool) -> None:
    def work():
        from django.contrib.auth import get_user_model
        from django_tenants.utils import schema_context

        from safeloop.contractors import services
        from safeloop.contractors.models import SelfInspectionReport

        with schema_context("acme"):
            wang = get_user_model().objects.get(email="wang@acme.test")
            report = SelfInspectionReport.objects.get(supplier_id=pk)
            second = report.answers.all()[1]
            services.review_report(
                report, by=wang, accept=accept, comments={second.item_id: "请补充仓库照片"}
            )
            return report.status

    committed(work)


def _status(pk: int) -> str:
    def work():
        from django_tenants.utils import schema_context

        from safeloop.contractors.models import SelfInspectionReport

        with schema_context("acme"):
            return SelfInspectionReport.objects.get(supplier_id=pk).status

    return committed(work)


def test_a_supplier_reports_on_a_phone_is_returned_and_resubmits(browser: Browser, tenant_url):
    data = committed(_set_up)
    context = browser.new_context(**PHONE)
    page = context.new_page()
    watch = Watcher(page)
    url = tenant_url("acme", f"/s/{data['token']}/")

    watch.open(url, "supplier report")
    assert page.get_by_test_id("supplier-name").inner_text() == "华鑫物资"
    taps = page.evaluate(MEASURE, TAP)
    assert taps["measured"] and not taps["misses"], taps["misses"]
    items = page.get_by_test_id("check-item")
    assert items.count() == 3
    for n in range(3):
        items.nth(n).get_by_label("符合", exact=True).check()
    items.first.locator("input[type=file]").set_input_files(
        {"name": "消防检查.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_test_id("report-submit").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("report-status").inner_text() == "已提交"
    assert page.get_by_test_id("attachment").count() == 1
    watch.collect()

    _review(data["pk"], accept=False)
    watch.open(url, "returned report")
    assert "请补充仓库照片" in page.get_by_test_id("reviewer-comment").inner_text()
    assert page.get_by_test_id("report-status").inner_text() == "退回"
    page.get_by_test_id("report-submit").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("report-status").inner_text() == "已提交"
    watch.collect()

    _review(data["pk"], accept=True)
    assert _status(data["pk"]) == "accepted"
    watch.open(url, "accepted report")
    assert page.get_by_test_id("report-submit").count() == 0
    watch.collect()
    assert not watch.refused, watch.refused
    context.close()
