"""The demo's training (培训): a welder and a forklift driver with their job's course
packs, the welder's first course finished with a certificate, the driver's first
course overdue.

The courses and packs are the metal template's own ``[learning]`` section, applied
at signup. The welder passes the course's
final quiz through the quiz engine as a learner would (a failed first attempt, a
pass on the second), so the certificate is issued by the certificate service; the
driver's assignment comes from the pack when he joined, back-dated to a join day
before the due period, and the daily training scan sends the overdue notice.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

WELDER_NO = "E5003"
DRIVER_NO = "E5004"
OVERDUE_DAYS = 5


def pack_of(job_role: str):
    """The job's own active pack: of those naming ``job_role``, the one for the fewest
    job roles (the welder's pack, not the one for all employees)."""
    from django.db.models import Count

    from safeloop.learning.models import CoursePack

    packs = CoursePack.objects.filter(active=True, job_roles__code=job_role)
    packs = CoursePack.objects.filter(pk__in=packs).annotate(roles=Count("job_roles"))
    return packs.order_by("roles", "code").first()


def _job_pack(job_role: str):
    pack = pack_of(job_role)
    if pack is None:
        raise RuntimeError(f"the demo's template has no course pack for {job_role!r}")
    return pack


def _first_course(pack):
    return pack.items.select_related("course").order_by("order", "id").first().course


def _answer(attempt, user, *, right: bool) -> None:
    from safeloop.learning import quiz_services
    from safeloop.learning.models import Choice

    drawn = [item["question"] for item in attempt.paper]
    key: dict[int, list[int]] = {pk: [] for pk in drawn}
    for pk, question in Choice.objects.filter(question_id__in=drawn, correct=True).values_list(
        "pk", "question_id"
    ):
        key[question].append(pk)
    for item in attempt.paper:
        chosen = key[item["question"]]
        if not right:
            chosen = [next(c for c in item["choices"] if c not in chosen)]
        quiz_services.save_answer(attempt, item["question"], chosen, by=user)


def _read_lessons(person, course) -> None:
    """Read every lesson of the course to its end, as the lesson page reports it."""
    from safeloop.learning import progress_services
    from safeloop.learning.models import LessonPage

    for lesson in LessonPage.objects.child_of(course).live().order_by("path"):
        progress_services.record_progress(lesson, by=person.user, read_to_end=True)


def _finish_course(person, course):
    """Read the course, take its final quiz as the person: fail once, study, pass."""
    from safeloop.learning import quiz_services
    from safeloop.learning.models import Certificate, Quiz

    _read_lessons(person, course)
    final = Quiz.objects.get(course=course, lesson=None)
    for right in (False, True):
        attempt = quiz_services.start_or_resume(final, by=person.user)
        _answer(attempt, person.user, right=right)
        quiz_services.submit(attempt, by=person.user)
    return Certificate.objects.get(person=person, course=course)


def _make_overdue(person, course, now) -> None:
    """The driver joined before the due period: his assignment was made then."""
    from safeloop.learning.models import Assignment

    assignment = Assignment.objects.select_related("pack").get(
        person=person, course=course, completed_at=None, cancelled_at=None
    )
    joined = now - timedelta(days=assignment.pack.due_days + OVERDUE_DAYS)
    Assignment.objects.filter(pk=assignment.pk).update(
        assigned_at=joined, due_on=timezone.localdate(joined) + timedelta(assignment.pack.due_days)
    )


def seed_learning(people: dict, now) -> None:
    from safeloop.learning.reminders import scan_training

    welder, driver = people[WELDER_NO], people[DRIVER_NO]
    _finish_course(welder, _first_course(_job_pack("welder")))
    _make_overdue(driver, _first_course(_job_pack("forklift_driver")), now)
    scan_training(now)
