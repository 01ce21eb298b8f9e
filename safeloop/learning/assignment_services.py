"""Course packs (课程包) and who must take what (必修): one place for the rules.

A pack names courses and whom they are for: job roles, areas (with every
area below them) and named people. ``sync_assignments`` turns the active
packs into open assignments: a person who joins or changes job role or area
gets their packs' courses (``safeloop.learning.receivers`` calls it when a
person is saved), a course no longer required is cancelled (it stays in the
archive), and a course passed with a certificate still valid is not given
again. ``my_courses`` is the learner's list: required, due soon, overdue, done.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.access import ensure_can
from safeloop.learning.models import (
    Assignment,
    AssignmentSource,
    Certificate,
    CoursePack,
    CoursePackCourse,
    CoursePage,
    LessonPage,
    LessonProgress,
)
from safeloop.learning.permissions import LearningPerm
from safeloop.platform.errors import field_error
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Area, JobRole, Person, code_validator

# "Due soon" on the learner's page: the last days before the due date.
DUE_SOON_DAYS = 3
MAX_DUE_DAYS = 365
MAX_RENEWAL_MONTHS = 120
# Sources whose assignments follow the packs; a manual one stays until done.
PACK_SOURCES = (AssignmentSource.PACK, AssignmentSource.RENEWAL)


class TrainingErrorCode:
    REQUIRED = "required"
    INVALID = "invalid"
    DUPLICATE = "duplicate"


def local_today(now: datetime | None = None) -> date:
    return timezone.localdate(now or timezone.now())


# --- Packs ---------------------------------------------------------------------


def _ids(values: Iterable | None) -> list[int]:
    out = []
    for value in values or ():
        pk = getattr(value, "pk", value)
        try:
            out.append(int(pk))
        except (TypeError, ValueError):
            raise field_error("ids", _("Unknown item."), TrainingErrorCode.INVALID) from None
    return list(dict.fromkeys(out))


def _existing(model, ids: list[int], field_name: str) -> list[int]:
    found = set(model.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise field_error(
            field_name,
            _("Unknown item(s): %(ids)s") % {"ids": ", ".join(map(str, missing))},
            TrainingErrorCode.INVALID,
        )
    return ids


@transaction.atomic
def save_pack(
    *,
    by,
    pack: CoursePack | None = None,
    code: str,
    name: str,
    name_en: str = "",
    courses: Iterable = (),
    job_roles: Iterable = (),
    areas: Iterable = (),
    people: Iterable = (),
    due_days: int = 30,
    renewal_months: int | None = None,
    active: bool = True,
    now: datetime | None = None,
) -> CoursePack:
    """Create or change a course pack and give (or take back) its courses at once."""
    ensure_can(by, LearningPerm.LEARNING_MANAGE)
    code = (code or "").strip().upper()
    name = (name or "").strip()
    if not code:
        raise field_error("code", _("Enter a code."), TrainingErrorCode.REQUIRED)
    try:
        code_validator(code)
    except ValidationError:
        raise field_error(
            "code", _("Use letters, digits and dashes only."), TrainingErrorCode.INVALID
        ) from None
    if not name:
        raise field_error("name", _("Enter a name."), TrainingErrorCode.REQUIRED)
    if CoursePack.objects.filter(code=code).exclude(pk=getattr(pack, "pk", None)).exists():
        raise field_error(
            "code", _("Another course pack has this code."), TrainingErrorCode.DUPLICATE
        )
    if not (1 <= int(due_days) <= MAX_DUE_DAYS):
        raise field_error(
            "due_days",
            _("The due period must be 1 to %(n)d days.") % {"n": MAX_DUE_DAYS},
            TrainingErrorCode.INVALID,
        )
    if renewal_months is not None and not (0 <= int(renewal_months) <= MAX_RENEWAL_MONTHS):
        raise field_error(
            "renewal_months",
            _("The renewal interval must be 0 to %(n)d months.") % {"n": MAX_RENEWAL_MONTHS},
            TrainingErrorCode.INVALID,
        )
    course_ids = _existing(CoursePage, _ids(courses), "courses")
    if not course_ids:
        raise field_error("courses", _("Choose at least one course."), TrainingErrorCode.REQUIRED)
    role_ids = _existing(JobRole, _ids(job_roles), "job_roles")
    area_ids = _existing(Area, _ids(areas), "areas")
    person_ids = _existing(Person, _ids(people), "people")

    created = pack is None
    if created:
        pack = CoursePack()
    else:
        pack = CoursePack.objects.select_for_update().get(pk=pack.pk)
    before = _audience(pack) if not created else set()
    pack.code, pack.name, pack.name_en = code, name, (name_en or "").strip()
    pack.due_days = int(due_days)
    pack.renewal_months = None if renewal_months in (None, "") else int(renewal_months)
    pack.active = bool(active)
    pack.save()
    CoursePackCourse.objects.filter(pack=pack).exclude(course_id__in=course_ids).delete()
    kept = set(CoursePackCourse.objects.filter(pack=pack).values_list("course_id", flat=True))
    for order, course_id in enumerate(course_ids):
        if course_id in kept:
            CoursePackCourse.objects.filter(pack=pack, course_id=course_id).update(order=order)
        else:
            CoursePackCourse.objects.create(pack=pack, course_id=course_id, order=order)
    pack.job_roles.set(role_ids)
    pack.areas.set(area_ids)
    pack.people.set(person_ids)
    result = sync_assignments(before | _audience(pack), now=now)
    record_event(
        pack,
        "learning.pack_created" if created else "learning.pack_changed",
        by=by,
        code=pack.code,
        courses=course_ids,
        job_roles=role_ids,
        areas=area_ids,
        people=person_ids,
        due_days=pack.due_days,
        renewal_months=pack.renewal_months,
        active=pack.active,
        assigned=result.assigned,
        cancelled=result.cancelled,
    )
    return pack


def _area_children() -> dict[int | None, list[int]]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent in Area.objects.values_list("pk", "parent_id"):
        children[parent].append(pk)
    return children


def _below(roots: Iterable[int], children: dict[int | None, list[int]]) -> set[int]:
    """``roots`` and every area under them (a loop in the tree stops where it repeats)."""
    seen: set[int] = set()
    todo = list(roots)
    while todo:
        pk = todo.pop()
        if pk in seen:
            continue
        seen.add(pk)
        todo += children.get(pk, [])
    return seen


def _audience(pack: CoursePack) -> set[int]:
    """Ids of the people a pack is for now (whatever its active flag)."""
    if pack.pk is None:
        return set()
    areas = _below(pack.areas.values_list("pk", flat=True), _area_children())
    return set(
        Person.objects.filter(
            Q(job_role__in=pack.job_roles.all())
            | Q(area_id__in=areas)
            | Q(pk__in=pack.people.all())
        ).values_list("pk", flat=True)
    )


# --- Who must take what ------------------------------------------------------------


@dataclass
class SyncResult:
    assigned: int = 0
    cancelled: int = 0
    created: list[Assignment] = field(default_factory=list)


def required_courses(person_ids: Iterable[int] | None = None) -> dict[int, dict[int, CoursePack]]:
    """person id → {course id: the pack that requires it (the one due soonest)} for the
    active packs, active people only; ``None``: everyone."""
    packs = list(
        CoursePack.objects.filter(active=True).prefetch_related("items", "job_roles", "areas")
    )
    if not packs:
        return {}
    people = Person.objects.filter(user__is_active=True)
    if person_ids is not None:
        people = people.filter(pk__in=list(person_ids))
    rows = list(people.values_list("pk", "job_role_id", "area_id"))
    named: dict[int, set[int]] = defaultdict(set)
    for pack_id, person_id in CoursePack.people.through.objects.filter(
        coursepack__in=packs
    ).values_list("coursepack_id", "person_id"):
        named[pack_id].add(person_id)
    children = _area_children() if any(p.areas.all() for p in packs) else {}
    required: dict[int, dict[int, CoursePack]] = defaultdict(dict)
    for pack in packs:
        roles = {r.pk for r in pack.job_roles.all()}
        areas = _below((a.pk for a in pack.areas.all()), children)
        courses = [item.course_id for item in pack.items.all()]
        for person_id, role_id, area_id in rows:
            if not (role_id in roles or area_id in areas or person_id in named[pack.pk]):
                continue
            mine = required[person_id]
            for course_id in courses:
                if course_id not in mine or pack.due_days < mine[course_id].due_days:
                    mine[course_id] = pack
    return required


def valid_certificates(person_ids: Iterable[int], today: date) -> set[tuple[int, int]]:
    """(person id, course id) of certificates not revoked and not expired on ``today``."""
    return set(
        Certificate.objects.filter(person_id__in=list(person_ids), revoked_at__isnull=True)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .values_list("person_id", "course_id")
    )


def sync_assignments(
    person_ids: Iterable[int] | None = None, *, now: datetime | None = None
) -> SyncResult:
    """Bring the open assignments of these people (everyone: ``None``) in line with the
    active packs. Idempotent; the caller holds the transaction."""
    now = now or timezone.now()
    today = local_today(now)
    if person_ids is not None:
        person_ids = set(person_ids)
        if not person_ids:
            return SyncResult()
    required = required_courses(person_ids)
    open_qs = Assignment.objects.filter(completed_at__isnull=True, cancelled_at__isnull=True)
    if person_ids is not None:
        open_qs = open_qs.filter(person_id__in=person_ids)
    elif not required and not open_qs.filter(source__in=PACK_SOURCES).exists():
        return SyncResult()
    open_rows = list(open_qs.values_list("pk", "person_id", "course_id", "source"))
    have = {(person, course) for _pk, person, course, _source in open_rows}
    result = SyncResult()
    stale = [
        pk
        for pk, person, course, source in open_rows
        if source in PACK_SOURCES and course not in required.get(person, {})
    ]
    if stale:
        result.cancelled = Assignment.objects.filter(pk__in=stale).update(cancelled_at=now)
    wanted = [
        (person, course, pack)
        for person, courses in required.items()
        for course, pack in courses.items()
        if (person, course) not in have
    ]
    if wanted:
        passed = valid_certificates({p for p, _c, _k in wanted}, today)
        new = [
            Assignment(
                person_id=person,
                course_id=course,
                pack=pack,
                source=AssignmentSource.PACK,
                assigned_at=now,
                due_on=today + timedelta(days=pack.due_days),
            )
            for person, course, pack in wanted
            if (person, course) not in passed
        ]
        result.created = Assignment.objects.bulk_create(new)
        result.assigned = len(result.created)
    return result


def sync_person(person: Person, *, now: datetime | None = None) -> SyncResult:
    """A person joined, left, or changed job role or area: their packs follow them."""
    return sync_assignments({person.pk}, now=now)


@transaction.atomic
def assign_course(
    person: Person,
    course: CoursePage,
    *,
    by,
    due_on: date,
    now: datetime | None = None,
) -> Assignment:
    """Give one person one course by hand (or return their open assignment of it)."""
    ensure_can(by, LearningPerm.LEARNING_MANAGE)
    now = now or timezone.now()
    if due_on < local_today(now):
        raise field_error("due_on", _("The due date is in the past."), TrainingErrorCode.INVALID)
    existing = Assignment.objects.filter(
        person=person, course=course, completed_at__isnull=True, cancelled_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    assignment = Assignment.objects.create(
        person=person,
        course=course,
        source=AssignmentSource.MANUAL,
        assigned_at=now,
        due_on=due_on,
    )
    record_event(assignment, "learning.assigned", by=by, person=person.pk, course=course.pk)
    return assignment


# --- The learner's list ----------------------------------------------------------------


@dataclass
class CourseCard:
    """One course on the learner's page."""

    assignment: Assignment
    course: CoursePage
    lessons_total: int
    lessons_done: int
    status: str  # overdue | due_soon | required | done
    certificate_id: int | None = None

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        if not self.lessons_total:
            return 0
        return round(100 * self.lessons_done / self.lessons_total)

    @property
    def days_left(self) -> int:
        return (self.assignment.due_on - local_today()).days

    @property
    def days_overdue(self) -> int:
        return -self.days_left


@dataclass
class MyCourses:
    overdue: list[CourseCard] = field(default_factory=list)
    due_soon: list[CourseCard] = field(default_factory=list)
    required: list[CourseCard] = field(default_factory=list)
    done: list[CourseCard] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return len(self.overdue) + len(self.due_soon) + len(self.required)


def _lesson_counts(person_ref) -> dict:
    """Annotations on assignments: the course's live lessons, and those the person finished.

    Lessons are the course page's children in Wagtail's tree (path prefix, depth + 1)."""
    lessons = LessonPage.objects.filter(
        live=True,
        path__startswith=OuterRef("course__path"),
        depth=OuterRef("course__depth") + 1,
    )
    total = lessons.order_by().values("depth").annotate(n=Count("pk")).values("n")[:1]
    done = (
        LessonProgress.objects.filter(
            person_id=person_ref,
            completed_at__isnull=False,
            lesson__live=True,
            lesson__path__startswith=OuterRef("course__path"),
            lesson__depth=OuterRef("course__depth") + 1,
        )
        .order_by()
        .values("person_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    certificate = (
        Certificate.objects.filter(
            person_id=OuterRef("person_id"),
            course_id=OuterRef("course_id"),
            revoked_at__isnull=True,
        )
        .order_by("-issued_on", "-pk")
        .values("pk")[:1]
    )
    return {
        "lessons_total": Coalesce(Subquery(total, output_field=IntegerField()), Value(0)),
        "lessons_done": Coalesce(Subquery(done, output_field=IntegerField()), Value(0)),
        "certificate_pk": Subquery(certificate, output_field=IntegerField()),
    }


def assignments_with_progress(qs: QuerySet[Assignment]) -> QuerySet[Assignment]:
    """``qs`` with each row's course, lesson counts and certificate, in the one query."""
    return qs.select_related("course", "pack").annotate(**_lesson_counts(OuterRef("person_id")))


def my_courses(person: Person, *, today: date | None = None) -> MyCourses:
    """The learner's courses in one query, however many they have."""
    today = today or local_today()
    rows = assignments_with_progress(
        Assignment.objects.filter(person=person, cancelled_at__isnull=True)
    ).order_by("due_on", "pk")
    result = MyCourses()
    open_courses: set[int] = set()
    done: dict[int, CourseCard] = {}
    for row in rows:
        card = CourseCard(
            assignment=row,
            course=row.course,
            lessons_total=row.lessons_total,
            lessons_done=row.lessons_done,
            status="",
            certificate_id=row.certificate_pk,
        )
        if row.completed_at is not None:
            card.status = "done"
            latest = done.get(row.course_id)
            if latest is None or row.completed_at > latest.assignment.completed_at:
                done[row.course_id] = card
            continue
        open_courses.add(row.course_id)
        if row.due_on < today:
            card.status = "overdue"
            result.overdue.append(card)
        elif row.due_on <= today + timedelta(days=DUE_SOON_DAYS):
            card.status = "due_soon"
            result.due_soon.append(card)
        else:
            card.status = "required"
            result.required.append(card)
    result.done = sorted(
        (c for c in done.values() if c.course.pk not in open_courses),
        key=lambda c: c.assignment.completed_at,
        reverse=True,
    )
    return result
