# ruff: noqa: F811  (fixtures imported from tests/learning/_train_data.py)
"""Course packs and who must take what.

Acme's operators (Zhang San among them) need the operator pack; Ma Jun, the
maintenance fitter in W1-A1, is in the stamping workshop's subtree; Wang Wei keeps
the packs. Globex has packs of its own and sees none of Acme's.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from safeloop.learning.assignment_services import my_courses, save_pack, sync_assignments
from safeloop.learning.models import Assignment, AssignmentSource, CoursePack
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.models import JobRole
from safeloop.tenants.facilities.services import create_person, update_person
from tests.learning._train_data import (  # noqa: F401  (fixtures)
    course_a,
    course_b,
    make_course,
    operator_pack,
    pass_course,
)

pytestmark = pytest.mark.django_db


def _open(person) -> set[str]:
    return set(
        Assignment.objects.filter(
            person=person, completed_at__isnull=True, cancelled_at__isnull=True
        ).values_list("course__code", flat=True)
    )


def test_saving_a_pack_assigns_its_courses_to_everyone_in_the_job_role(
    wang, zhang, ma, course_a, course_b
):
    pack = operator_pack(wang, [course_a, course_b], due_days=14)

    assert _open(zhang.person) == {"SAFE-A", "SAFE-B"}
    assert _open(ma.person) == set()
    row = Assignment.objects.get(person=zhang.person, course=course_a)
    assert row.source == AssignmentSource.PACK and row.pack == pack
    assert (row.due_on - row.assigned_at.date()).days in (13, 14, 15)
    assert AuditEvent.objects.filter(verb="learning.pack_created", object_id=str(pack.pk)).exists()


def test_an_area_pack_reaches_the_people_of_the_areas_below_it(wang, zhang, ma, sun, course_a):
    workshop = zhang.person.area
    save_pack(by=wang, code="W1-ALL", name="一车间", courses=[course_a], areas=[workshop])

    assert _open(ma.person) == {"SAFE-A"}  # in W1-A1, below W1
    assert _open(zhang.person) == {"SAFE-A"}
    assert _open(sun.person) == set()  # no area


def test_a_pack_for_named_people_reaches_only_them(wang, zhang, sun, course_a):
    save_pack(by=wang, code="SUN", name="专人", courses=[course_a], people=[sun.person])

    assert _open(sun.person) == {"SAFE-A"}
    assert _open(zhang.person) == set()


def test_a_newcomer_gets_the_pack_of_their_job_role_when_they_join(wang, course_a):
    operator_pack(wang, [course_a])

    newcomer = create_person(
        by=wang,
        email="new@acme.test",
        full_name="Xin Ren",
        employee_no="E9001",
        roles=["operator"],
        job_role=JobRole.objects.get(code="operator"),
    )

    assert _open(newcomer) == {"SAFE-A"}


def test_changing_job_role_cancels_the_old_pack_and_gives_the_new_one(wang, zhang, course_a):
    welding = make_course("WELD-1")
    operator_pack(wang, [course_a])
    save_pack(
        by=wang,
        code="WELDERS",
        name="焊工必修",
        courses=[welding],
        job_roles=[JobRole.objects.get(code="welder")],
    )

    update_person(zhang.person, by=wang, job_role=JobRole.objects.get(code="welder"))

    assert _open(zhang.person) == {"WELD-1"}
    old = Assignment.objects.get(person=zhang.person, course=course_a)
    assert old.cancelled_at is not None  # kept in the archive, not deleted


def test_someone_who_leaves_has_their_open_courses_cancelled(wang, zhang, course_a):
    operator_pack(wang, [course_a])

    update_person(zhang.person, by=wang, is_active=False)

    assert _open(zhang.person) == set()


def test_a_course_removed_from_a_pack_is_cancelled_and_one_added_is_assigned(
    wang, zhang, course_a, course_b
):
    pack = operator_pack(wang, [course_a])

    operator_pack(wang, [course_b], pack=pack)

    assert _open(zhang.person) == {"SAFE-B"}
    assert Assignment.objects.filter(person=zhang.person, cancelled_at__isnull=False).count() == 1


def test_a_course_passed_with_a_valid_certificate_is_not_assigned_again(wang, zhang, course_a):
    pass_course(zhang.person, course_a)  # before any pack: no assignment, a certificate

    operator_pack(wang, [course_a])

    assert _open(zhang.person) == set()


def test_saving_twice_assigns_nothing_twice(wang, zhang, course_a):
    pack = operator_pack(wang, [course_a])
    operator_pack(wang, [course_a], pack=pack)

    assert sync_assignments().assigned == 0
    assert Assignment.objects.filter(person=zhang.person).count() == 1


def test_a_worker_cannot_save_a_pack(zhang, course_a):
    with pytest.raises(PermissionDenied):
        operator_pack(zhang, [course_a])
    assert not CoursePack.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": ""}, "code"),
        ({"code": "bad code!"}, "code"),
        ({"name": " "}, "name"),
        ({"courses": []}, "courses"),
        ({"courses": [987654]}, "courses"),
        ({"due_days": 0}, "due_days"),
        ({"renewal_months": 500}, "renewal_months"),
    ],
)
def test_a_pack_with_bad_input_is_refused_and_assigns_nothing(wang, course_a, changes, field):
    values = dict(code="OPS", name="操作工", courses=[course_a], due_days=30)
    values.update(changes)

    with pytest.raises(ValidationError) as caught:
        save_pack(by=wang, **values)

    assert field in caught.value.error_dict
    assert not Assignment.objects.exists()


def test_a_duplicate_pack_code_is_refused(wang, course_a):
    operator_pack(wang, [course_a])
    with pytest.raises(ValidationError) as caught:
        operator_pack(wang, [course_a])
    assert "code" in caught.value.error_dict


def test_another_enterprise_sees_none_of_the_packs_or_assignments(wang, course_a, globex):
    pack = operator_pack(wang, [course_a])
    with tenant_context(globex):
        # Globex has its food template's packs and assignments, and none of Acme's.
        assert CoursePack.objects.exists()
        assert not CoursePack.objects.filter(code=pack.code).exists()
        assert not Assignment.objects.filter(course__code=course_a.code).exists()
        assert set(Assignment.objects.values_list("course__code", flat=True)) <= set(
            CoursePack.objects.values_list("courses__code", flat=True)
        )


# --- My courses ----------------------------------------------------------------------


def test_my_courses_sorts_overdue_due_soon_required_and_done(wang, zhang, in_acme):
    from datetime import timedelta

    from safeloop.learning.assignment_services import local_today

    courses = [make_course(f"MC-{n}") for n in range(4)]
    operator_pack(wang, courses)
    today = local_today()
    rows = {a.course.code: a for a in Assignment.objects.filter(person=zhang.person)}
    rows["MC-0"].due_on = today - timedelta(days=2)
    rows["MC-1"].due_on = today + timedelta(days=2)
    for row in rows.values():
        row.save()
    pass_course(zhang.person, courses[3])

    mine = my_courses(zhang.person)

    assert [c.course.code for c in mine.overdue] == ["MC-0"]
    assert [c.course.code for c in mine.due_soon] == ["MC-1"]
    assert [c.course.code for c in mine.required] == ["MC-2"]
    assert [c.course.code for c in mine.done] == ["MC-3"]
    assert mine.done[0].certificate_id is not None
    assert mine.required[0].lessons_total == 2 and mine.required[0].lessons_done == 0


def test_my_courses_counts_the_lessons_the_person_finished(wang, zhang, course_a):
    from django.utils import timezone

    from safeloop.learning.catalogue import lessons_of
    from safeloop.learning.models import LessonProgress

    operator_pack(wang, [course_a])
    first = lessons_of(course_a).first()
    LessonProgress.objects.create(
        person=zhang.person, lesson=first, opened_at=timezone.now(), completed_at=timezone.now()
    )

    [card] = my_courses(zhang.person).required

    assert (card.lessons_done, card.lessons_total, card.percent) == (1, 2, 50)


def _my_courses_queries(person) -> int:
    with CaptureQueriesContext(connection) as ctx:
        my_courses(person)
    return len(ctx.captured_queries)


def test_my_courses_takes_the_same_queries_for_5_and_50_courses(wang, zhang, in_acme):
    courses = [make_course(f"N-{n}", lessons=1) for n in range(50)]
    pack = operator_pack(wang, courses[:5])
    five = _my_courses_queries(zhang.person)
    operator_pack(wang, courses, pack=pack)
    fifty = _my_courses_queries(zhang.person)

    assert Assignment.objects.filter(person=zhang.person, cancelled_at__isnull=True).count() == 50
    assert five == fifty == 1
