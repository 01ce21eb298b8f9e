# ruff: noqa: F811  (fixtures imported from tests/learning/_train_data.py)
"""The training pages as people meet them: Zhang San (operator) on his phone, Wang Wei
keeping the packs, Sun Hao (safety officer) reading everyone's archive, Li Na (team
leader, W1) her workshop's, and Chen Jie of Globex nothing of Acme's."""

from __future__ import annotations

import io

import pytest
from django_tenants.utils import tenant_context
from openpyxl import load_workbook

from safeloop.learning.models import Assignment, CoursePack
from safeloop.tenants.facilities.models import JobRole
from tests.learning._train_data import (  # noqa: F401  (fixtures)
    course_a,
    course_b,
    operator_pack,
    pass_course,
)

pytestmark = pytest.mark.django_db


def test_my_courses_shows_the_required_courses_with_due_dates_and_progress(
    as_zhang, wang, zhang, course_a, course_b
):
    operator_pack(wang, [course_a, course_b])
    pass_course(zhang.person, course_b)

    response = as_zhang.get("/l/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="section-required"' in html and 'data-testid="section-done"' in html
    assert f'href="/l/c/{course_a.pk}/"' in html
    assert "0/2" in html  # lessons done / total


def test_my_courses_needs_a_sign_in(acme_client, in_acme):
    assert acme_client.get("/l/").status_code == 302


def test_a_verifier_without_learning_has_no_courses_page(as_zhao):
    assert as_zhao.get("/l/").status_code == 403


def test_my_certificates_lists_mine_and_opens_the_pdf(as_zhang, zhang, course_a):
    cert = pass_course(zhang.person, course_a).certificate

    listing = as_zhang.get("/l/certificates/")
    pdf = as_zhang.get(f"/l/certificates/{cert.pk}.pdf")

    assert cert.number in listing.content.decode()
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_someone_else_cannot_open_my_certificate(as_qian, zhang, course_a):
    cert = pass_course(zhang.person, course_a).certificate

    assert as_qian.get(f"/l/certificates/{cert.pk}.pdf").status_code == 404


def test_the_safety_officer_opens_anyones_certificate_and_revokes_it(as_sun, zhang, course_a):
    cert = pass_course(zhang.person, course_a).certificate

    assert as_sun.get(f"/l/certificates/{cert.pk}.pdf").status_code == 200
    response = as_sun.post(f"/l/certificates/{cert.pk}/revoke/", {"reason": "信息有误"})

    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.revoked_at is not None


def test_a_worker_cannot_revoke_through_the_page(as_zhang, zhang, course_a):
    cert = pass_course(zhang.person, course_a).certificate

    assert as_zhang.post(f"/l/certificates/{cert.pk}/revoke/", {"reason": "x"}).status_code == 403
    cert.refresh_from_db()
    assert cert.revoked_at is None


def test_the_admin_creates_a_pack_on_the_packs_page(as_wang, zhang, course_a):
    operator = JobRole.objects.get(code="operator")

    response = as_wang.post(
        "/l/packs/new/",
        {
            "code": "OPS",
            "name": "操作工必修",
            "courses": [course_a.pk],
            "job_roles": [operator.pk],
            "due_days": 30,
            "active": "on",
        },
    )

    assert response.status_code == 302
    assert CoursePack.objects.get(code="OPS").items.count() == 1
    assert Assignment.objects.filter(person=zhang.person, course=course_a).exists()
    assert "OPS" in as_wang.get("/l/packs/").content.decode()


def test_a_pack_form_with_bad_input_shows_errors_and_saves_nothing(as_wang, course_a):
    response = as_wang.post("/l/packs/new/", {"code": "OPS", "name": "x", "due_days": 0})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not CoursePack.objects.exists()


def test_a_worker_cannot_open_the_packs_page(as_zhang):
    assert as_zhang.get("/l/packs/").status_code == 403


def test_the_archive_shows_completion_overdue_people_and_exports_xlsx(
    as_sun, wang, zhang, course_a
):
    operator_pack(wang, [course_a])
    Assignment.objects.filter(person=zhang.person).update(due_on="2020-01-01")

    page = as_sun.get("/l/archive/")
    export = as_sun.get("/l/archive/export.xlsx")

    assert page.status_code == 200
    assert [o.name for o in page.context["stats"].overdue] == ["Zhang San"]
    book = load_workbook(io.BytesIO(export.content))
    people = book.worksheets[1]
    names = [row[1].value for row in people.iter_rows(min_row=2)]
    assert "Zhang San" in names and "Wang Wei" in names
    assert book.worksheets[2].cell(row=2, column=2).value == "Zhang San"


def test_a_team_leader_sees_her_workshops_archive_only(as_li, wang, sun, zhang, course_a):
    page = as_li.get("/l/archive/")

    names = {row.person.full_name for row in page.context["people"]}
    assert "Zhang San" in names and "Ma Jun" in names
    assert "Sun Hao" not in names and "Wang Wei" not in names
    assert as_li.get(f"/l/archive/{sun.person.pk}/").status_code == 404


def test_a_person_reads_their_own_archive_with_attempts_and_scores(as_zhang, zhang, course_a):
    pass_course(zhang.person, course_a, score=60)
    pass_course(zhang.person, course_a, score=95)

    response = as_zhang.get(f"/l/archive/{zhang.person.pk}/")
    pdf = as_zhang.get(f"/l/archive/{zhang.person.pk}.pdf")

    assert [a.score for a in response.context["record"].attempts] == [95, 60]
    assert response.context["record"].hours == course_a.hours
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert as_zhang.get("/l/archive/").status_code == 302  # to his own record


def test_a_worker_cannot_read_another_persons_archive_or_attempts(as_zhang, ma, course_a):
    pass_course(ma.person, course_a)

    assert as_zhang.get(f"/l/archive/{ma.person.pk}/").status_code == 404
    assert as_zhang.get(f"/l/archive/{ma.person.pk}.pdf").status_code == 404
    assert as_zhang.get("/l/archive/export.xlsx").status_code == 403


def test_globex_sees_nothing_of_acmes_archive(as_chen, globex, zhang, course_a):
    pass_course(zhang.person, course_a)
    person_pk = zhang.person.pk

    with tenant_context(globex):
        page = as_chen.get("/l/archive/")
        names = {row.person.full_name for row in page.context["people"]}
        assert "Zhang San" not in names
        response = as_chen.get(f"/l/archive/{person_pk}/")
        assert response.status_code == 404 or "Zhang San" not in response.content.decode()
