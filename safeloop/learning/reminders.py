"""Training deadlines, scanned daily in each tenant's schema: a reminder before the due
date, a notice to the person and their superior once overdue, a reminder before a
certificate expires and, once it has, the course assigned again (renewal, 复训).

Each is sent once: the assignment's or certificate's mark is set in the same
transaction that queues the message, and ``notify``'s dedupe key makes a retried
scan harmless.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.access import Role
from safeloop.learning.assignment_services import local_today, required_courses
from safeloop.learning.models import Assignment, AssignmentSource, Certificate
from safeloop.platform.urls_util import tenant_absolute_url
from safeloop.tenants.alerts.services import Message, notify
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Person
from safeloop.tenants.facilities.selectors import people_with_role, workshop_of

REMIND_DAYS_BEFORE = 3
EXPIRY_REMIND_DAYS = 30


@dataclass
class TrainingScan:
    reminders: int = 0
    overdue: int = 0
    expiry_reminders: int = 0
    renewals: int = 0
    sent: list[tuple[str, int]] = field(default_factory=list)


def superiors_of(person: Person) -> list:
    """Whom to tell about someone's training: their superior, else their workshop's director."""
    if person.superior_id and person.superior.user.is_active:
        return [person.superior.user]
    shop = workshop_of(person.area)
    if shop is None:
        return []
    return [p.user for p in people_with_role(Role.WORKSHOP_DIRECTOR, shop) if p.pk != person.pk]


def _link(name: str) -> str:
    return tenant_absolute_url(reverse(name))


def _open():
    return Assignment.objects.filter(completed_at__isnull=True, cancelled_at__isnull=True)


def scan_training(now: datetime | None = None) -> TrainingScan:
    """Run by Celery beat (``tasks.scan_training_deadlines``); ``now`` for a replay."""
    now = now or timezone.now()
    today = local_today(now)
    result = TrainingScan()
    people = ("person__user", "person__superior__user", "person__area__parent", "course")

    for assignment in (
        _open().filter(overdue_notified_at__isnull=True, due_on__lt=today).select_related(*people)
    ):
        with transaction.atomic():
            if not Assignment.objects.filter(
                pk=assignment.pk, overdue_notified_at__isnull=True
            ).update(overdue_notified_at=now, reminded_at=assignment.reminded_at or now):
                continue
            person = assignment.person
            course = assignment.course.title
            due = assignment.due_on.isoformat()
            notify(
                [person.user],
                Message(
                    event="learning.overdue",
                    subject=_("Overdue training: %(c)s (due %(d)s)") % {"c": course, "d": due},
                    link=_link("learning:my_courses"),
                ),
                dedupe_key=f"learning:assignment:{assignment.pk}:overdue",
                robots=False,
            )
            notify(
                superiors_of(person),
                Message(
                    event="learning.overdue_superior",
                    subject=_("%(p)s has not finished the required course %(c)s (due %(d)s)")
                    % {"p": person.full_name, "c": course, "d": due},
                    link=_link("learning:archive"),
                ),
                dedupe_key=f"learning:assignment:{assignment.pk}:overdue:superior",
                robots=False,
            )
            record_event(assignment, "learning.overdue_notified", by=None, due_on=due)
            result.overdue += 1
            result.sent.append(("overdue", assignment.pk))

    for assignment in (
        _open()
        .filter(
            reminded_at__isnull=True,
            due_on__gte=today,
            due_on__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
        )
        .select_related(*people)
    ):
        with transaction.atomic():
            if not Assignment.objects.filter(pk=assignment.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            days = (assignment.due_on - today).days
            notify(
                [assignment.person.user],
                Message(
                    event="learning.due_soon",
                    subject=_("Required course %(c)s is due on %(d)s (%(n)d days left)")
                    % {"c": assignment.course.title, "d": assignment.due_on.isoformat(), "n": days},
                    link=_link("learning:my_courses"),
                ),
                dedupe_key=f"learning:assignment:{assignment.pk}:reminder",
                robots=False,
            )
            result.reminders += 1
            result.sent.append(("reminder", assignment.pk))

    certificates = Certificate.objects.filter(revoked_at__isnull=True, valid_until__isnull=False)
    for cert in certificates.filter(
        expiry_reminded_at__isnull=True,
        valid_until__gte=today,
        valid_until__lte=today + timedelta(days=EXPIRY_REMIND_DAYS),
    ).select_related("person__user", "person__superior__user", "person__area__parent", "course"):
        with transaction.atomic():
            if not Certificate.objects.filter(pk=cert.pk, expiry_reminded_at__isnull=True).update(
                expiry_reminded_at=now
            ):
                continue
            person = cert.person
            values = {
                "n": cert.number,
                "c": cert.course.title,
                "d": cert.valid_until.isoformat(),
                "p": person.full_name,
            }
            notify(
                [person.user],
                Message(
                    event="learning.certificate_expiring",
                    subject=_("Your certificate %(n)s (%(c)s) expires on %(d)s") % values,
                    link=_link("learning:certificates"),
                ),
                dedupe_key=f"learning:certificate:{cert.pk}:expiry",
                robots=False,
            )
            notify(
                superiors_of(person),
                Message(
                    event="learning.certificate_expiring",
                    subject=_("%(p)s's certificate %(n)s (%(c)s) expires on %(d)s") % values,
                    link=_link("learning:archive"),
                ),
                dedupe_key=f"learning:certificate:{cert.pk}:expiry:manager",
                robots=False,
            )
            result.expiry_reminders += 1
            result.sent.append(("expiry", cert.pk))

    result.renewals = renew_expired(now=now, result=result)
    return result


def renew_expired(*, now: datetime, result: TrainingScan | None = None) -> int:
    """An expired certificate of a course still required: the course again (source renewal)."""
    today = local_today(now)
    newer = Certificate.objects.filter(
        person_id=OuterRef("person_id"),
        course_id=OuterRef("course_id"),
        revoked_at__isnull=True,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    pending = Assignment.objects.filter(
        person_id=OuterRef("person_id"),
        course_id=OuterRef("course_id"),
        completed_at__isnull=True,
        cancelled_at__isnull=True,
    )
    expired = list(
        Certificate.objects.filter(revoked_at__isnull=True, valid_until__lt=today)
        .filter(~Exists(newer), ~Exists(pending))
        .order_by("person_id", "course_id", "-valid_until")
        .values_list("pk", "person_id", "course_id")
    )
    if not expired:
        return 0
    required = required_courses({person for _pk, person, _c in expired})
    count = 0
    seen: set[tuple[int, int]] = set()
    for cert_pk, person_id, course_id in expired:
        pack = required.get(person_id, {}).get(course_id)
        if pack is None or (person_id, course_id) in seen:
            continue
        seen.add((person_id, course_id))
        with transaction.atomic():
            assignment = Assignment.objects.create(
                person_id=person_id,
                course_id=course_id,
                pack=pack,
                source=AssignmentSource.RENEWAL,
                assigned_at=now,
                due_on=today + timedelta(days=pack.due_days),
            )
            record_event(
                assignment, "learning.renewal_assigned", by=None, expired_certificate=cert_pk
            )
        count += 1
        if result is not None:
            result.sent.append(("renewal", assignment.pk))
    return count
