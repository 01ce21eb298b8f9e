"""Training records in the API: your assigned courses and certificates, a person's
archive (一人一档), completion statistics, course packs (课程包) and revoking a
certificate. Thin: the rules are in ``safeloop/learning/`` (assignment_services,
certificate_services, archive).

Courses, job roles, areas and people are named by their codes (course code, job role
code, area code, employee number), as imports and the industry templates name them.
"""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _
from strawberry import UNSET, Info, relay

from safeloop.access import can
from safeloop.graphql.errors import NOT_FOUND, MutationError, mutation
from safeloop.graphql.facilities.types import PersonType
from safeloop.graphql.nodes import local_pk, node_pk
from safeloop.graphql.permissions import current_user
from safeloop.learning import archive as archive_services
from safeloop.learning.assignment_services import CourseCard, my_courses, save_pack
from safeloop.learning.certificate_services import (
    revoke_certificate,
    status_of,
    verify_url,
)
from safeloop.learning.models import Certificate, CoursePack, CoursePage
from safeloop.learning.permissions import LearningPerm
from safeloop.platform.errors import field_error
from safeloop.platform.urls_util import tenant_absolute_url
from safeloop.tenants.facilities.models import Area, JobRole, Person

PACK_TYPE = "CoursePack"
CERTIFICATE_TYPE = "TrainingCertificate"
ASSIGNMENT_TYPE = "AssignedCourse"


def _gid(type_name: str, pk: int) -> relay.GlobalID:
    return relay.GlobalID(type_name, f"{connection.schema_name}.{pk}")


def _pk_of(global_id: relay.GlobalID, type_name: str, field: str) -> int:
    pk = local_pk(global_id.node_id) if global_id.type_name == type_name else None
    if pk is None:
        raise field_error(field, _("Nothing with this ID exists here."), NOT_FOUND)
    return int(pk)


# --- Types -------------------------------------------------------------------------------


@strawberry.type(description="A course you must take (必修), and how far you are.")
class AssignedCourse:
    id: relay.GlobalID
    status: str = strawberry.field(description="overdue, due_soon, required or done.")
    course_code: str
    course_title: str
    course_title_en: str
    hours: float = strawberry.field(description="Credit hours (学时) of the course.")
    assigned_at: datetime
    due_on: date
    completed_at: datetime | None
    lessons_done: int
    lessons_total: int
    percent: int = strawberry.field(description="Lessons finished, 0-100 (100 when done).")
    url: str = strawberry.field(description="The course page on the phone.")


def _assigned(card: CourseCard) -> AssignedCourse:
    a = card.assignment
    return AssignedCourse(
        id=_gid(ASSIGNMENT_TYPE, a.pk),
        status=card.status,
        course_code=card.course.code,
        course_title=card.course.title,
        course_title_en=card.course.title_en,
        hours=float(card.course.hours),
        assigned_at=a.assigned_at,
        due_on=a.due_on,
        completed_at=a.completed_at,
        lessons_done=card.lessons_done,
        lessons_total=card.lessons_total,
        percent=card.percent,
        url=tenant_absolute_url(reverse("learning:course", args=[card.course.pk])),
    )


@strawberry.type(description="A training certificate (培训合格证).")
class TrainingCertificate:
    id: relay.GlobalID
    number: str
    person_name: str
    employee_no: str
    course_code: str
    course_title: str
    issued_on: date
    valid_until: date | None = strawberry.field(description="Null: does not expire.")
    hours: float
    score: int | None
    status: str = strawberry.field(description="valid, expired or revoked.")
    revoked_at: datetime | None
    revoke_reason: str
    pdf_url: str = strawberry.field(description="The PDF (signed-in download).")
    verify_url: str = strawberry.field(description="The public check the QR code opens.")


def _certificate(cert: Certificate) -> TrainingCertificate:
    return TrainingCertificate(
        id=_gid(CERTIFICATE_TYPE, cert.pk),
        number=cert.number,
        person_name=cert.person.full_name,
        employee_no=cert.person.employee_no,
        course_code=cert.course.code,
        course_title=cert.course.title,
        issued_on=cert.issued_on,
        valid_until=cert.valid_until,
        hours=float(cert.hours),
        score=cert.score,
        status=status_of(cert),
        revoked_at=cert.revoked_at,
        revoke_reason=cert.revoke_reason,
        pdf_url=tenant_absolute_url(reverse("learning:certificate_pdf", args=[cert.pk])),
        verify_url=verify_url(cert),
    )


@strawberry.type(description="One sitting of a quiz, in a training archive.")
class TrainingAttempt:
    course_code: str
    course_title: str
    lesson_title: str | None = strawberry.field(description="Null: the course's final quiz.")
    number: int
    submitted_at: datetime
    score: int | None
    passed: bool | None


@strawberry.type(description="A person's training archive (一人一档).")
class TrainingArchive:
    person_id: relay.GlobalID
    name: str
    employee_no: str
    hours: float = strawberry.field(description="Credit hours of certificates not revoked.")
    courses_done: int
    overdue: int
    assignments: list[AssignedCourse]
    attempts: list[TrainingAttempt]
    certificates: list[TrainingCertificate]


@strawberry.type(description="Completion of one group: finished / on the roll.")
class CompletionRate:
    key: str
    label: str
    on_roll: int
    finished: int
    percent: float
    overdue_people: int


@strawberry.type(description="Someone with required courses past their due date.")
class OverdueTrainee:
    person_id: relay.GlobalID
    name: str
    employee_no: str
    workshop: str
    job_role: str
    courses: list[str]
    oldest_due: date | None


@strawberry.type(
    description="Training completion = people who finished this month's required courses / "
    "people on the roll; in your scope."
)
class CompletionStats:
    month: date
    total: CompletionRate
    by_month: list[CompletionRate]
    by_workshop: list[CompletionRate]
    by_job_role: list[CompletionRate]
    overdue: list[OverdueTrainee]


def _rate(rate) -> CompletionRate:
    return CompletionRate(
        key=rate.key,
        label=str(rate.label),
        on_roll=rate.on_roll,
        finished=rate.finished,
        percent=rate.percent,
        overdue_people=rate.overdue_people,
    )


@strawberry.type(name="CoursePack", description="A course pack (课程包): who must take what.")
class CoursePackInfo:
    id: relay.GlobalID
    code: str
    name: str
    name_en: str
    course_codes: list[str]
    job_role_codes: list[str]
    area_codes: list[str] = strawberry.field(description="Everyone in these areas and below.")
    employee_nos: list[str]
    due_days: int
    renewal_months: int | None = strawberry.field(
        description="Null: each course's own interval; 0: never expires."
    )
    active: bool


def _pack(pack: CoursePack) -> CoursePackInfo:
    return CoursePackInfo(
        id=_gid(PACK_TYPE, pack.pk),
        code=pack.code,
        name=pack.name,
        name_en=pack.name_en,
        course_codes=[item.course.code for item in pack.items.all()],
        job_role_codes=[r.code for r in pack.job_roles.all()],
        area_codes=[a.code for a in pack.areas.all()],
        employee_nos=[p.employee_no for p in pack.people.all()],
        due_days=pack.due_days,
        renewal_months=pack.renewal_months,
        active=pack.active,
    )


def _packs():
    return CoursePack.objects.prefetch_related("items__course", "job_roles", "areas", "people")


# --- Queries --------------------------------------------------------------------------------


@strawberry.type
class TrainingQuery:
    @strawberry.field(description="Your required courses: overdue first, then due, then done.")
    def my_assignments(self, info: Info) -> list[AssignedCourse]:
        user = current_user(info)
        person = getattr(user, "person", None)
        if person is None or not can(user, LearningPerm.LEARNING_TAKE):
            return []
        mine = my_courses(person)
        return [_assigned(c) for c in [*mine.overdue, *mine.due_soon, *mine.required, *mine.done]]

    @strawberry.field(description="Your certificates, newest first.")
    def my_certificates(self, info: Info) -> list[TrainingCertificate]:
        user = current_user(info)
        person = getattr(user, "person", None)
        if person is None or not can(user, LearningPerm.LEARNING_TAKE):
            return []
        rows = Certificate.objects.filter(person=person).select_related("person__user", "course")
        return [_certificate(c) for c in rows]

    @strawberry.field(
        description="One person's training archive; null when they are outside your scope."
    )
    def training_archive(self, info: Info, person_id: relay.GlobalID) -> TrainingArchive | None:
        pk = node_pk(person_id, PersonType)
        person = (
            Person.objects.select_related("user").filter(pk=pk).first() if pk is not None else None
        )
        if person is None:
            return None
        try:
            record = archive_services.person_archive(person, by=current_user(info))
        except PermissionDenied:
            return None
        today = record.today
        cards = [
            CourseCard(
                assignment=a,
                course=a.course,
                lessons_total=a.lessons_total,
                lessons_done=a.lessons_done,
                status="cancelled"
                if a.cancelled_at
                else "done"
                if a.completed_at
                else "overdue"
                if a.due_on < today
                else "required",
            )
            for a in record.assignments
        ]
        for cert in record.certificates:
            cert.person = person
        return TrainingArchive(
            person_id=_gid("Person", person.pk),
            name=person.full_name,
            employee_no=person.employee_no,
            hours=float(record.hours),
            courses_done=record.courses_done,
            overdue=record.overdue,
            assignments=[_assigned(c) for c in cards],
            attempts=[
                TrainingAttempt(
                    course_code=t.quiz.course.code,
                    course_title=t.quiz.course.title,
                    lesson_title=t.quiz.lesson.title if t.quiz.lesson_id else None,
                    number=t.number,
                    submitted_at=t.submitted_at,
                    score=t.score,
                    passed=t.passed,
                )
                for t in record.attempts
            ],
            certificates=[_certificate(c) for c in record.certificates],
        )

    @strawberry.field(
        description="Completion statistics of your scope for a month (YYYY-MM; this month "
        "by default); null without a manager's scope."
    )
    def training_completion_stats(
        self, info: Info, month: str | None = None
    ) -> CompletionStats | None:
        user = current_user(info)
        if not archive_services.can_see_others(user):
            return None
        start = None
        if month:
            try:
                start = datetime.strptime(month, "%Y-%m").date()
            except ValueError:
                return None
        stats = archive_services.completion_stats(by=user, month=start)
        return CompletionStats(
            month=stats.month,
            total=_rate(stats.total),
            by_month=[_rate(r) for r in stats.by_month],
            by_workshop=[_rate(r) for r in stats.by_workshop],
            by_job_role=[_rate(r) for r in stats.by_job_role],
            overdue=[
                OverdueTrainee(
                    person_id=_gid("Person", o.person_id),
                    name=o.name,
                    employee_no=o.employee_no,
                    workshop=o.workshop,
                    job_role=o.job_role,
                    courses=o.courses,
                    oldest_due=o.oldest_due,
                )
                for o in stats.overdue
            ],
        )

    @strawberry.field(description="The course packs (for people who keep them).")
    def course_packs(self, info: Info) -> list[CoursePackInfo]:
        if not can(current_user(info), LearningPerm.LEARNING_MANAGE):
            return []
        return [_pack(p) for p in _packs()]


# --- Mutations -------------------------------------------------------------------------------


@strawberry.input(description="A course pack to create (no id) or change (id).")
class SavePackInput:
    id: relay.GlobalID | None = strawberry.field(default=UNSET)
    code: str
    name: str
    name_en: str = ""
    course_codes: list[str]
    job_role_codes: list[str] = strawberry.field(default_factory=list)
    area_codes: list[str] = strawberry.field(default_factory=list)
    employee_nos: list[str] = strawberry.field(default_factory=list)
    due_days: int = 30
    renewal_months: int | None = None
    active: bool = True


@strawberry.type
class SavePackPayload:
    pack: CoursePackInfo | None = None
    errors: list[MutationError] = strawberry.field(default_factory=list)


@strawberry.input
class RevokeCertificateInput:
    id: relay.GlobalID
    reason: str


@strawberry.type
class RevokeCertificatePayload:
    certificate: TrainingCertificate | None = None
    errors: list[MutationError] = strawberry.field(default_factory=list)


def _by_codes(model, field_name: str, values: list[str], field: str) -> list:
    values = [v.strip() for v in values if v and v.strip()]
    found = {
        getattr(o, field_name): o for o in model.objects.filter(**{f"{field_name}__in": values})
    }
    missing = [v for v in values if v not in found]
    if missing:
        raise field_error(field, _("Unknown: %(codes)s") % {"codes": ", ".join(missing)}, NOT_FOUND)
    return [found[v] for v in values]


@strawberry.type
class TrainingMutation:
    @mutation(description="Create or change a course pack; assignments follow at once.")
    def save_pack(self, info: Info, input: SavePackInput) -> SavePackPayload:
        pack = None
        if input.id not in (UNSET, None):
            pack = CoursePack.objects.filter(pk=_pk_of(input.id, PACK_TYPE, "id")).first()
            if pack is None:
                raise field_error("id", _("Nothing with this ID exists here."), NOT_FOUND)
        saved = save_pack(
            by=current_user(info),
            pack=pack,
            code=input.code,
            name=input.name,
            name_en=input.name_en,
            courses=_by_codes(CoursePage, "code", input.course_codes, "courseCodes"),
            job_roles=_by_codes(JobRole, "code", input.job_role_codes, "jobRoleCodes"),
            areas=_by_codes(Area, "code", input.area_codes, "areaCodes"),
            people=_by_codes(Person, "employee_no", input.employee_nos, "employeeNos"),
            due_days=input.due_days,
            renewal_months=input.renewal_months,
            active=input.active,
        )
        return SavePackPayload(pack=_pack(_packs().get(pk=saved.pk)))

    @mutation(description="Revoke a certificate, with the reason (audited).")
    def revoke_certificate(
        self, info: Info, input: RevokeCertificateInput
    ) -> RevokeCertificatePayload:
        user = current_user(info)
        if not can(user, LearningPerm.LEARNING_VIEW_ALL):
            raise PermissionDenied(_("You do not have permission to do this."))
        cert = (
            Certificate.objects.select_related("person__user", "course")
            .filter(pk=_pk_of(input.id, CERTIFICATE_TYPE, "id"))
            .first()
        )
        if cert is None:
            raise field_error("id", _("Nothing with this ID exists here."), NOT_FOUND)
        revoked = revoke_certificate(cert, by=user, reason=input.reason)
        revoked.person, revoked.course = cert.person, cert.course
        return RevokeCertificatePayload(certificate=_certificate(revoked))
