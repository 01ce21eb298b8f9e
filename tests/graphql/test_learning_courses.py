# ruff: noqa: F811  (fixtures imported from tests/learning/_train_data.py)
"""Courses and lessons through the API: Zhang San (operator) lists the published courses
with their lessons and his progress, and records reading a lesson to its end; Zhao Min
(verifier) takes no courses; Globex sees none of Acme's. The course list costs the same
number of queries for 2 courses as for 6."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context
from strawberry import relay

from safeloop.learning.models import LessonProgress
from tests.graphql.conftest import run
from tests.graphql.test_query_counts import PER_REQUEST
from tests.learning._train_data import course_a, make_course  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

COURSES = """
query { courses(first: 50) { totalCount edges { node {
  id code title titleEn hours url
  lessons { id title minutes myProgress { status videoPercent completedAt } }
} } } }
"""
COURSE = """
query($id: ID!) { course(id: $id) { code lessons { title url myProgress { status } } } }
"""
RECORD = """
mutation($input: RecordLessonProgressInput!) { recordLessonProgress(input: $input) {
  progress { status readToEndAt videoPercent completedAt }
  lesson { title myProgress { status } }
  errors { field code message }
} }
"""


def _gid(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, f"{connection.schema_name}.{pk}"))


def _ours(data: dict) -> list[dict]:
    """The tests' own courses (the industry template brings its own)."""
    return [
        e["node"] for e in data["courses"]["edges"] if e["node"]["code"].startswith(("SAFE", "G-"))
    ]


def test_courses_list_the_lessons_with_my_progress(as_zhang, zhang, course_a):
    first = course_a.get_children().first()
    LessonProgress.objects.create(person=zhang.person, lesson_id=first.pk, opened_at=timezone.now())

    [course] = _ours(run(as_zhang, COURSES))

    assert course["code"] == "SAFE-A" and course["titleEn"] == "Course SAFE-A"
    assert course["url"].endswith(f"/l/c/{course_a.pk}/")
    assert [(x["title"], x["myProgress"]["status"]) for x in course["lessons"]] == [
        ("第1课", "OPENED"),
        ("第2课", "NOT_STARTED"),
    ]


def test_one_course_by_id_with_lesson_links(as_zhang, course_a):
    course = run(as_zhang, COURSE, {"id": _gid("Course", course_a.pk)})["course"]

    lesson = course_a.get_children().first()
    assert course["code"] == "SAFE-A"
    assert course["lessons"][0]["url"].endswith(f"/l/c/{course_a.pk}/{lesson.pk}/")


def test_a_draft_course_is_not_listed(as_zhang, course_a):
    course_a.unpublish()

    assert _ours(run(as_zhang, COURSES)) == []
    assert run(as_zhang, COURSE, {"id": _gid("Course", course_a.pk)})["course"] is None


def test_a_verifier_sees_no_courses(as_zhao, course_a):
    assert run(as_zhao, COURSES)["courses"]["totalCount"] == 0


def test_another_enterprise_sees_none_of_ours(as_chen, globex, course_a):
    acme_id = _gid("Course", course_a.pk)

    with tenant_context(globex):
        data = run(as_chen, COURSE, {"id": acme_id})
        listed = run(as_chen, COURSES)

    assert data["course"] is None
    assert "SAFE-A" not in {e["node"]["code"] for e in listed["courses"]["edges"]}


def test_recording_a_lesson_read_to_the_end_completes_it(as_zhang, zhang, course_a):
    lesson = course_a.get_children().first()

    payload = run(
        as_zhang, RECORD, {"input": {"lesson": _gid("Lesson", lesson.pk), "readToEnd": True}}
    )["recordLessonProgress"]

    assert payload["errors"] == []
    assert payload["progress"]["status"] == "DONE" and payload["progress"]["videoPercent"] == 100
    assert payload["lesson"]["myProgress"]["status"] == "DONE"
    assert LessonProgress.objects.get(person=zhang.person, lesson_id=lesson.pk).completed_at


def test_a_video_the_lesson_does_not_have_is_refused(as_zhang, zhang, course_a):
    lesson = course_a.get_children().first()

    payload = run(
        as_zhang,
        RECORD,
        {"input": {"lesson": _gid("Lesson", lesson.pk), "video": "nope", "percent": 95}},
    )["recordLessonProgress"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("video", "not_a_video")]
    assert payload["progress"] is None
    assert not LessonProgress.objects.filter(person=zhang.person).exists()


def test_a_verifier_cannot_record_progress(as_zhao, course_a):
    lesson = course_a.get_children().first()

    payload = run(
        as_zhao, RECORD, {"input": {"lesson": _gid("Lesson", lesson.pk), "readToEnd": True}}
    )["recordLessonProgress"]

    assert [e["code"] for e in payload["errors"]] == ["not_found"]
    assert not LessonProgress.objects.exists()


@pytest.mark.parametrize("rows", [2, 6])
def test_the_course_list_takes_a_fixed_number_of_queries(as_zhang, zhang, rows):
    for n in range(rows):
        course = make_course(f"G-{n}", lessons=2)
        LessonProgress.objects.create(
            person=zhang.person,
            lesson_id=course.get_children().first().pk,
            opened_at=timezone.now(),
        )

    with CaptureQueriesContext(connection) as ctx:
        data = run(as_zhang, COURSES)
    queries = len([q for q in ctx.captured_queries if not q["sql"].startswith("SET ")])

    assert len(_ours(data)) == rows
    assert all(len(c["lessons"]) == 2 for c in _ours(data))
    # the courses (their total counted in the same query), every published lesson, my progress
    assert queries == PER_REQUEST + 3
