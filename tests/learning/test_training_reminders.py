# ruff: noqa: F811  (fixtures imported from tests/learning/_train_data.py)
"""Training deadlines, time-travelled: Zhang San's operator pack is due in 14 days and
his superior is Li Na; Qian Li, without a superior, has the workshop director, Liu
Qiang, told instead."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from safeloop.learning.models import Assignment, AssignmentSource, Certificate
from safeloop.learning.reminders import scan_training
from safeloop.learning.tasks import scan_training_deadlines
from safeloop.tenants.alerts.models import Channel, Notification
from safeloop.tenants.facilities.models import Person
from tests.learning._train_data import (  # noqa: F401  (fixtures)
    course_a,
    operator_pack,
    pass_course,
)

pytestmark = pytest.mark.django_db


def _inbox(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, channel=Channel.INBOX)
        .order_by("id")
        .values_list("event", flat=True)
    )


@pytest.fixture
def due(wang, zhang, course_a):
    operator_pack(wang, [course_a], due_days=14)
    return Assignment.objects.get(person=zhang.person, course=course_a)


def _at(day):
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + (
        timedelta(hours=9)
    )


def test_nothing_is_sent_while_the_due_date_is_far(due, zhang):
    with time_machine.travel(_at(due.due_on - timedelta(days=5))):
        result = scan_training()

    assert (result.reminders, result.overdue) == (0, 0)
    assert _inbox(zhang) == []


def test_a_reminder_before_the_due_date_is_sent_once(due, zhang, li):
    with time_machine.travel(_at(due.due_on - timedelta(days=3))):
        assert scan_training().reminders == 1
    with time_machine.travel(_at(due.due_on - timedelta(days=1))):
        assert scan_training().reminders == 0

    assert _inbox(zhang) == ["learning.due_soon"]
    assert _inbox(li) == []


def test_an_overdue_notice_goes_to_the_person_and_their_superior_once(due, zhang, li):
    with time_machine.travel(_at(due.due_on + timedelta(days=1))):
        first = scan_training()
    with time_machine.travel(_at(due.due_on + timedelta(days=2))):
        second = scan_training()

    assert (first.overdue, second.overdue) == (1, 0)
    assert _inbox(zhang) == ["learning.overdue"]  # no late reminder after the notice
    assert _inbox(li) == ["learning.overdue_superior"]


def test_without_a_superior_the_workshop_director_is_told(wang, qian, liu, course_a):
    from safeloop.learning.assignment_services import save_pack

    Person.objects.filter(pk=qian.person.pk).update(superior=None)
    save_pack(
        by=wang, code="QIAN", name="专人", courses=[course_a], people=[qian.person], due_days=7
    )
    [due] = Assignment.objects.filter(person=qian.person)

    with time_machine.travel(_at(due.due_on + timedelta(days=1))):
        scan_training()

    assert _inbox(liu) == ["learning.overdue_superior"]


def test_a_finished_course_gets_no_reminder(due, zhang, course_a):
    pass_course(zhang.person, course_a)

    with time_machine.travel(_at(due.due_on + timedelta(days=1))):
        result = scan_training()

    assert (result.reminders, result.overdue) == (0, 0)


def test_certificate_expiry_is_announced_once_then_renewal_assigns_the_course_again(
    due, zhang, li, course_a
):
    cert = pass_course(zhang.person, course_a).certificate
    valid_until = Certificate.objects.get(pk=cert.pk).valid_until

    with time_machine.travel(_at(valid_until - timedelta(days=30))):
        assert scan_training().expiry_reminders == 1
    with time_machine.travel(_at(valid_until - timedelta(days=10))):
        assert scan_training().expiry_reminders == 0
    assert _inbox(zhang).count("learning.certificate_expiring") == 1
    assert _inbox(li) == ["learning.certificate_expiring"]

    with time_machine.travel(_at(valid_until + timedelta(days=1))):
        first = scan_training()
        again = scan_training()

    assert (first.renewals, again.renewals) == (1, 0)
    renewal = Assignment.objects.get(
        person=zhang.person, course=course_a, completed_at__isnull=True, cancelled_at__isnull=True
    )
    assert renewal.source == AssignmentSource.RENEWAL


def test_an_expired_certificate_of_a_course_no_longer_required_is_not_renewed(zhang, course_a):
    cert = pass_course(zhang.person, course_a).certificate  # no pack requires it

    with time_machine.travel(_at(cert.valid_until + timedelta(days=1))):
        assert scan_training().renewals == 0


def test_the_beat_task_replays_a_moment(due, zhang):
    moment = _at(due.due_on + timedelta(days=1)).isoformat()

    assert scan_training_deadlines(moment)["overdue"] == 1
    assert scan_training_deadlines(moment)["overdue"] == 0


def test_another_enterprise_is_not_scanned(due, globex, zhang):
    from django_tenants.utils import tenant_context

    with tenant_context(globex), time_machine.travel(_at(due.due_on + timedelta(days=1))):
        assert scan_training().overdue == 0
    assert Assignment.objects.get(pk=due.pk).overdue_notified_at is None
