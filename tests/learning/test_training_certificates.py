# ruff: noqa: F811  (fixtures imported from tests/learning/_train_data.py)
"""Certificates: issued when Zhang San passes a course's final quiz, verified by anyone
who scans the PDF's QR code on Acme's host (and nowhere else), revoked by Sun Hao,
the safety officer, with a reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django_tenants.utils import tenant_context

from safeloop.learning.certificate_services import (
    add_months,
    ensure_pdf,
    revoke_certificate,
    status_of,
    verify,
)
from safeloop.learning.models import Assignment, Certificate
from safeloop.tenants.audit.models import AuditEvent
from tests.learning._train_data import (  # noqa: F401  (fixtures)
    course_a,
    course_b,
    operator_pack,
    pass_course,
)
from tests.support.documents import pdf_text, rasterise, read_qr

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_host(settings):
    settings.SAFELOOP_PUBLIC_PORT = ""


def test_passing_the_final_quiz_completes_the_assignment_and_issues_a_certificate(
    wang, zhang, course_a
):
    operator_pack(wang, [course_a])

    attempt = pass_course(zhang.person, course_a, score=92)

    cert = Certificate.objects.get(person=zhang.person, course=course_a)
    assert cert.attempt == attempt and cert.score == 92 and cert.hours == course_a.hours
    assert cert.number == f"ACME-{cert.issued_on.year}-00001"
    assert cert.valid_until == add_months(cert.issued_on, 12)
    assignment = Assignment.objects.get(person=zhang.person, course=course_a)
    assert assignment.completed_at == attempt.submitted_at
    assert AuditEvent.objects.filter(verb="learning.certificate_issued").exists()


def test_numbers_count_up_per_enterprise(zhang, ma, course_a, course_b):
    first = pass_course(zhang.person, course_a).certificate
    second = pass_course(ma.person, course_b).certificate

    assert int(second.number[-5:]) == int(first.number[-5:]) + 1


def test_a_failed_attempt_issues_nothing(zhang, course_a):
    pass_course(zhang.person, course_a, score=60)

    assert not Certificate.objects.exists()


def test_validity_follows_the_pack_renewal_then_the_course(wang, zhang, ma, course_a, course_b):
    operator_pack(wang, [course_a], renewal_months=24)

    by_pack = pass_course(zhang.person, course_a).certificate
    never = pass_course(ma.person, course_b).certificate  # course renewal 0, no pack

    assert by_pack.valid_until == add_months(by_pack.issued_on, 24)
    assert never.valid_until is None


def test_months_are_added_to_the_end_of_a_short_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_the_pdf_qr_opens_the_verification_page_which_says_valid(acme, zhang, course_a, tmp_path):
    cert = pass_course(zhang.person, course_a).certificate

    pdf = ensure_pdf(cert)
    [page] = rasterise(pdf, tmp_path)
    [url] = read_qr(page)

    host = f"acme.{settings.SAFELOOP_BASE_DOMAIN}"
    assert url == f"{settings.SAFELOOP_SCHEME}://{host}/v/{cert.token}/"
    response = Client(HTTP_HOST=host).get(url.split(host, 1)[1])
    assert response.status_code == 200
    page_text = response.content.decode()
    assert 'data-status="valid"' in page_text
    assert "Zhang San" in page_text and course_a.title in page_text
    assert "zhang@acme.test" not in page_text and zhang.person.employee_no not in page_text


def test_the_pdf_carries_number_person_course_dates_hours_and_score(zhang, course_a, tmp_path):
    cert = pass_course(zhang.person, course_a, score=88).certificate

    [text] = pdf_text(ensure_pdf(cert), tmp_path)

    for expected in (
        "培训合格证",
        "Training Certificate",
        cert.number,
        "Zhang San",
        course_a.title,
        course_a.title_en,
        cert.issued_on.isoformat(),
        cert.valid_until.isoformat(),
        "88",
    ):
        assert expected in text
    assert Certificate.objects.get(pk=cert.pk).pdf.name.endswith(".pdf")


def test_a_certificate_token_of_acme_is_not_found_on_globex(acme, globex, zhang, course_a):
    cert = pass_course(zhang.person, course_a).certificate

    response = Client(HTTP_HOST=f"globex.{settings.SAFELOOP_BASE_DOMAIN}").get(f"/v/{cert.token}/")

    assert response.status_code == 404
    assert 'data-status="not_found"' in response.content.decode()
    with tenant_context(globex):
        assert verify(cert.token) is None


def test_an_unknown_token_is_not_found(acme_client, in_acme):
    response = acme_client.get("/v/no-such-token/")

    assert response.status_code == 404
    assert 'data-status="not_found"' in response.content.decode()


def test_an_expired_certificate_verifies_as_expired(zhang, course_a):
    cert = pass_course(zhang.person, course_a).certificate

    later = cert.valid_until + timedelta(days=1)

    assert verify(cert.token, today=later).status == "expired"
    assert status_of(cert, cert.valid_until) == "valid"


def test_the_safety_officer_revokes_with_a_reason_and_the_page_says_revoked(
    acme_client, sun, zhang, course_a
):
    cert = pass_course(zhang.person, course_a).certificate

    revoke_certificate(cert, by=sun, reason="考试代考")

    assert acme_client.get(f"/v/{cert.token}/").context["certificate"].status == "revoked"
    event = AuditEvent.objects.get(verb="learning.certificate_revoked")
    assert event.actor_id == sun.pk and event.data["reason"] == "考试代考"


def test_a_worker_cannot_revoke(zhang, course_a):
    cert = pass_course(zhang.person, course_a).certificate

    with pytest.raises(PermissionDenied):
        revoke_certificate(cert, by=zhang, reason="x")
    assert Certificate.objects.get(pk=cert.pk).revoked_at is None


def test_revoking_needs_a_reason_and_happens_once(sun, zhang, course_a):
    cert = pass_course(zhang.person, course_a).certificate

    with pytest.raises(ValidationError):
        revoke_certificate(cert, by=sun, reason="  ")
    revoke_certificate(cert, by=sun, reason="错误发证")
    with pytest.raises(ValidationError):
        revoke_certificate(cert, by=sun, reason="again")
