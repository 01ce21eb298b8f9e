"""Suppliers' monthly self-inspection reports: the cycle draft → submit → return with a
comment → resubmit → accept, the refusals, the supplier's signed link (one supplier,
one enterprise, 40 days), files under the schema, the audit trail and the pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django_tenants.utils import tenant_context

from safeloop.contractors import services
from safeloop.contractors.models import ReportAttachment, ReportStatus, SelfInspectionReport
from safeloop.contractors.services.suppliers import LINK_SALT
from safeloop.tenants.audit.models import AuditEvent
from tests.contractors.conftest import HENGDA_CODE, OTHER_CODE, PNG_1PX

TODAY = date(2026, 12, 4)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _code(caught: pytest.ExceptionInfo) -> tuple[str, str]:
    ((field, errors),) = caught.value.error_dict.items()
    return field, errors[0].code


def _verbs() -> list[str]:
    return list(
        AuditEvent.objects.filter(verb__startswith="contractors.s")
        .order_by("id")
        .values_list("verb", flat=True)
    )


@pytest.fixture
def form(wang):
    return services.set_form(
        by=wang,
        title="供应商月度安全自查表",
        items=["消防器材完好有效", "  危化品按规定存放  ", "", "特种作业人员持证上岗"],
        due_day=25,
    )


@pytest.fixture
def huaxin(wang):
    return services.create_supplier(
        by=wang, name="华鑫物资有限公司", credit_code=HENGDA_CODE, contact_name="钱敏"
    )


@pytest.fixture
def dongfang(wang):
    return services.create_supplier(by=wang, name="东方化工", credit_code=OTHER_CODE)


def _anonymous(slug: str):
    from django.test import Client

    return Client(HTTP_HOST=f"{slug}.{settings.SAFELOOP_BASE_DOMAIN}")


@pytest.fixture
def client_for_acme(acme):
    """The supplier's phone: no account, only the link."""
    return _anonymous("acme")


@pytest.fixture
def client_for_globex(globex):
    return _anonymous("globex")


def _answers(report, result="ok", **extra):
    return [services.Answer(a.item_id, result, **extra) for a in report.answers.all()]


# --- Services ----------------------------------------------------------------------


def test_the_form_keeps_its_items_in_order_and_only_the_newest_is_active(form, wang):
    assert [i.text for i in form.items.all()] == [
        "消防器材完好有效",
        "危化品按规定存放",
        "特种作业人员持证上岗",
    ]
    newer = services.set_form(by=wang, title="新表", items=["A"], due_day=10)
    form.refresh_from_db()
    assert not form.active and newer.active
    with pytest.raises(ValidationError) as caught:
        services.set_form(by=wang, title="空表", items=["  "])
    assert _code(caught) == ("items", "required")


def test_the_full_cycle_draft_submit_return_resubmit_accept(form, huaxin, wang):
    report = services.open_report(huaxin, today=TODAY)
    assert (report.period, report.due_on, report.status) == (
        date(2026, 12, 1),
        date(2026, 12, 25),
        ReportStatus.DRAFT,
    )
    assert services.open_report(huaxin, today=TODAY + timedelta(days=3)) == report
    services.save_answers(report, supplier=huaxin, answers=_answers(report, comment="已检查"))
    report = services.submit_report(report, supplier=huaxin)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at

    first, second, _third = report.answers.all()
    report = services.review_report(
        report, by=wang, accept=False, comments={second.item_id: "请附危化品仓库照片"}
    )
    assert report.status == ReportStatus.RETURNED and report.reviewed_by == wang
    second.refresh_from_db()
    assert second.reviewer_comment == "请附危化品仓库照片"

    photo = SimpleUploadedFile("store.png", PNG_1PX, content_type="image/png")
    services.save_answers(
        report,
        supplier=huaxin,
        answers=[services.Answer(second.item_id, "ok", "已整改", files=[photo])],
    )
    report = services.resubmit_report(report, supplier=huaxin)
    assert report.status == ReportStatus.SUBMITTED
    report = services.review_report(report, by=wang, accept=True)
    assert report.status == ReportStatus.ACCEPTED
    second.refresh_from_db()
    assert second.reviewer_comment == "" and second.attachments.count() == 1
    assert _verbs() == [
        "contractors.selfinspection_form_set",
        "contractors.supplier_created",
        "contractors.selfinspection_opened",
        "contractors.selfinspection_saved",
        "contractors.selfinspection_submitted",
        "contractors.selfinspection_returned",
        "contractors.selfinspection_saved",
        "contractors.selfinspection_resubmitted",
        "contractors.selfinspection_accepted",
    ]
    returned = AuditEvent.objects.get(verb="contractors.selfinspection_returned")
    assert returned.actor_id == wang.pk
    assert returned.data["comments"] == {str(second.item_id): "请附危化品仓库照片"}
    assert list(services.history(huaxin)) == [report]


def test_an_incomplete_report_is_refused_and_names_the_open_items(form, huaxin):
    report = services.open_report(huaxin, today=TODAY)
    first = report.answers.first()
    services.save_answers(report, supplier=huaxin, answers=[services.Answer(first.item_id, "na")])
    with pytest.raises(ValidationError) as caught:
        services.submit_report(report, supplier=huaxin)
    assert _code(caught) == ("items", "incomplete")
    assert "2, 3" in caught.value.error_dict["items"][0].messages[0]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_nothing_changes_after_acceptance_and_a_submitted_report_waits(form, huaxin, wang):
    report = services.open_report(huaxin, today=TODAY)
    services.save_answers(report, supplier=huaxin, answers=_answers(report))
    services.submit_report(report, supplier=huaxin)
    with pytest.raises(ValidationError) as caught:
        services.submit_report(report, supplier=huaxin)
    assert _code(caught) == ("status", "already_submitted")
    with pytest.raises(ValidationError) as caught:
        services.save_answers(report, supplier=huaxin, answers=_answers(report, "not_ok"))
    assert _code(caught) == ("status", "not_editable")
    with pytest.raises(ValidationError) as caught:
        services.review_report(report, by=wang, accept=False, comments={})
    assert _code(caught) == ("comments", "comment_required")
    services.review_report(report, by=wang, accept=True)
    with pytest.raises(ValidationError) as caught:
        services.submit_report(report, supplier=huaxin)
    assert _code(caught) == ("status", "already_accepted")
    with pytest.raises(ValidationError) as caught:
        services.review_report(report, by=wang, accept=False, comments={1: "x"})
    assert _code(caught) == ("status", "not_submitted")


def test_an_operator_or_safety_officer_cannot_review_or_set_the_form(form, huaxin, zhang, sun):
    report = services.open_report(huaxin, today=TODAY)
    services.save_answers(report, supplier=huaxin, answers=_answers(report))
    services.submit_report(report, supplier=huaxin)
    for user in (zhang, sun):
        with pytest.raises(PermissionDenied):
            services.review_report(report, by=user, accept=True)
        with pytest.raises(PermissionDenied):
            services.set_form(by=user, title="x", items=["y"])
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_supplier_cannot_touch_another_suppliers_report(form, huaxin, dongfang):
    report = services.open_report(huaxin, today=TODAY)
    with pytest.raises(PermissionDenied):
        services.save_answers(report, supplier=dongfang, answers=_answers(report))
    with pytest.raises(PermissionDenied):
        services.submit_report(report, supplier=dongfang)


def test_a_wrong_credit_code_and_a_file_that_is_no_pdf_or_picture_are_refused(form, huaxin, wang):
    with pytest.raises(ValidationError) as caught:
        services.create_supplier(by=wang, name="x", credit_code="91350100M000100Y44")
    assert _code(caught) == ("credit_code", "check_digit")
    report = services.open_report(huaxin, today=TODAY)
    item = report.answers.first().item_id
    bad = SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 10)
    with pytest.raises(ValidationError) as caught:
        services.save_answers(
            report, supplier=huaxin, answers=[services.Answer(item, "ok", files=[bad])]
        )
    assert _code(caught) == (f"item-{item}", "invalid_scan")
    assert not ReportAttachment.objects.exists()


def test_attachments_are_stored_under_the_schema(form, huaxin):
    report = services.open_report(huaxin, today=TODAY)
    item = report.answers.first().item_id
    files = [
        SimpleUploadedFile("check.pdf", PDF, content_type="application/pdf"),
        SimpleUploadedFile("p.png", PNG_1PX, content_type="image/png"),
    ]
    services.save_answers(
        report, supplier=huaxin, answers=[services.Answer(item, "ok", files=files)]
    )
    names = [a.file.name for a in ReportAttachment.objects.order_by("id")]
    assert len(names) == 2
    assert all(n.startswith(f"{connection.schema_name}/contractors/suppliers/") for n in names)
    assert names[0].endswith(".pdf") and names[1].endswith(".jpg")


def test_the_month_standings_and_the_overdue_list(form, huaxin, dongfang, wang):
    report = services.open_report(huaxin, today=TODAY)
    standings = {s.supplier.pk: s.status for s in services.month_standings(TODAY)}
    assert standings == {huaxin.pk: "not_submitted", dongfang.pk: "not_submitted"}
    assert services.overdue(TODAY) == []
    late = date(2026, 12, 26)
    assert {s.supplier.pk for s in services.overdue(late)} == {huaxin.pk, dongfang.pk}
    services.save_answers(report, supplier=huaxin, answers=_answers(report))
    services.submit_report(report, supplier=huaxin)
    assert [s.supplier.pk for s in services.overdue(late)] == [dongfang.pk]
    # December's return still open in January: overdue for December.
    services.review_report(
        report, by=wang, accept=False, comments={report.answers.first().item_id: "重做"}
    )
    january = services.overdue(date(2027, 1, 3))
    assert [(s.supplier.pk, s.period) for s in january] == [(huaxin.pk, date(2026, 12, 1))]


# --- The supplier's link -----------------------------------------------------------


def test_a_link_names_one_supplier_of_one_enterprise_for_40_days(huaxin, globex):
    token = services.supplier_link_token(huaxin)
    assert services.supplier_from_token(token) == huaxin
    assert services.supplier_from_token(token + "x") is None
    forged = signing.dumps({"s": huaxin.pk, "t": connection.schema_name}, salt="other")
    assert services.supplier_from_token(forged) is None
    with tenant_context(globex):
        assert services.supplier_from_token(token) is None
    with time_machine.travel(timedelta(days=39)):
        assert services.supplier_from_token(token) == huaxin
    with time_machine.travel(timedelta(days=41)):
        assert services.supplier_from_token(token) is None


# --- Pages -------------------------------------------------------------------------


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _link(supplier) -> str:
    return reverse("supplier_report", args=[services.supplier_link_token(supplier)])


def test_the_suppliers_list_shows_this_months_status_and_the_link(as_wang, form, huaxin, dongfang):
    report = services.open_report(huaxin)
    services.save_answers(report, supplier=huaxin, answers=_answers(report))
    services.submit_report(report, supplier=huaxin)
    page = _html(as_wang.get(reverse("contractors:suppliers")))
    assert "华鑫物资有限公司" in page and "已提交" in page and "未提交" in page
    assert 'data-testid="supplier-link"' in page


def test_an_operator_has_no_supplier_pages(as_zhang, form, huaxin):
    assert as_zhang.get(reverse("contractors:suppliers")).status_code == 403
    report = services.open_report(huaxin)
    assert as_zhang.get(reverse("contractors:report", args=[report.pk])).status_code == 403


def test_the_supplier_fills_submits_and_the_manager_returns_then_accepts(
    client_for_acme, as_wang, form, huaxin
):
    url = _link(huaxin)
    response = client_for_acme.get(url)
    page = _html(response)
    assert "华鑫物资有限公司" in page and "消防器材完好有效" in page
    # The link is the key: no cache keeps the page, no other site learns it.
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    report = SelfInspectionReport.objects.get(supplier=huaxin)
    items = [a.item_id for a in report.answers.all()]
    data = {f"result-{i}": "ok" for i in items} | {"action": "submit"}
    data[f"files-{items[0]}"] = SimpleUploadedFile("c.pdf", PDF, content_type="application/pdf")
    response = client_for_acme.post(url, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED

    review = reverse("contractors:report", args=[report.pk])
    assert "消防器材完好有效" in _html(as_wang.get(review))
    as_wang.post(review, {"action": "return", f"comment-{items[1]}": "请补充照片"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    returned = _html(client_for_acme.get(url))
    assert "请补充照片" in returned and "退回" in returned
    client_for_acme.post(url, {f"result-{i}": "ok" for i in items} | {"action": "submit"})
    as_wang.post(review, {"action": "accept"})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


def test_an_incomplete_submission_is_shown_on_the_page(client_for_acme, form, huaxin):
    url = _link(huaxin)
    _html(client_for_acme.get(url))
    page = _html(client_for_acme.post(url, {"action": "submit"}))
    assert "请逐项填写" in page
    assert SelfInspectionReport.objects.get().status == ReportStatus.DRAFT


def test_a_link_never_shows_another_suppliers_report(client_for_acme, form, huaxin, dongfang):
    report = services.open_report(huaxin)
    services.save_answers(
        report, supplier=huaxin, answers=_answers(report, comment="华鑫的秘密说明")
    )
    page = _html(client_for_acme.get(_link(dongfang)))
    assert "东方化工" in page and "华鑫" not in page and "华鑫的秘密说明" not in page
    attachment_url = reverse("supplier_file", args=[services.supplier_link_token(dongfang), 1])
    assert client_for_acme.get(attachment_url).status_code == 404


def test_a_forged_or_expired_link_is_404(client_for_acme, form, huaxin):
    token = services.supplier_link_token(huaxin)
    assert (
        client_for_acme.get(reverse("supplier_report", args=[token[:-2] + "zz"])).status_code == 404
    )
    forged = signing.dumps({"s": huaxin.pk, "t": "acme"}, salt=LINK_SALT + "x")
    assert client_for_acme.get(reverse("supplier_report", args=[forged])).status_code == 404
    with time_machine.travel(timedelta(days=41)):
        assert client_for_acme.get(reverse("supplier_report", args=[token])).status_code == 404


def test_globex_sees_none_of_acmes_suppliers(as_chen, globex, form, huaxin, client_for_globex):
    report = services.open_report(huaxin)
    token = services.supplier_link_token(huaxin)
    with tenant_context(globex):
        listing = as_chen.get(reverse("contractors:suppliers"))
        assert listing.status_code == 200 and "华鑫" not in listing.content.decode()
        assert as_chen.get(reverse("contractors:report", args=[report.pk])).status_code == 404
        assert client_for_globex.get(reverse("supplier_report", args=[token])).status_code == 404
