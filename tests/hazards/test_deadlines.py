"""Deadlines: a reminder before, escalation one level up after, again later — never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from safeloop.tenants.alerts.models import Channel, Delivery, Notification
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.deadlines import scan_deadlines
from safeloop.tenants.hazards.models import DeadlineMark
from tests.support.outbox import sweep_later

pytestmark = pytest.mark.django_db


def _events(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, channel=Channel.INBOX)
        .order_by("id")
        .values_list("event", flat=True)
    )


def _sent_so_far(mailoutbox) -> None:
    """Deliver what reporting the hazard queued (the assignment), and forget it."""
    sweep_later()
    mailoutbox.clear()


@pytest.fixture
def general_hazard(zhang, w1_area, library):
    # A general hazard: 72 h to fix, reminder 12 h before, escalation 2 h after.
    return services.report_hazard(by=zhang, area=w1_area, library_entry=library("general"))


def test_nothing_happens_while_the_deadline_is_far(general_hazard, ma):
    with time_machine.travel(general_hazard.deadline - timedelta(hours=13)):
        result = scan_deadlines()
    assert (result.reminders, result.escalations) == (0, 0)
    assert "hazard.reminder" not in _events(ma)


def test_reminder_before_then_escalations_after_each_sent_once(general_hazard, ma, liu, zhou):
    deadline = general_hazard.deadline

    with time_machine.travel(deadline - timedelta(hours=11)):
        first = scan_deadlines()
        again = scan_deadlines()  # beat ticks twice
    assert first.sent == [(general_hazard.number, "reminder")]
    assert again.sent == []
    assert _events(ma).count("hazard.reminder") == 1

    with time_machine.travel(deadline + timedelta(hours=1)):
        assert scan_deadlines().sent == []  # overdue, but within the 2 h grace

    with time_machine.travel(deadline + timedelta(hours=2, minutes=1)):
        assert scan_deadlines().sent == [(general_hazard.number, "escalation_1")]
        assert scan_deadlines().sent == []
    assert "hazard.escalation_1" in _events(liu)  # the workshop director
    assert "hazard.escalation_1" not in _events(zhou)

    with time_machine.travel(deadline + timedelta(hours=25)):
        assert scan_deadlines().sent == [(general_hazard.number, "escalation_2")]
    assert "hazard.escalation_2" in _events(zhou)  # the leader in charge
    assert _events(ma).count("hazard.escalation_1") == 1


def test_a_late_scan_sends_the_highest_escalation_without_a_stale_reminder(general_hazard, zhou):
    with time_machine.travel(general_hazard.deadline + timedelta(days=3)):
        result = scan_deadlines()
    assert sorted(signal for _n, signal in result.sent) == ["escalation_1", "escalation_2"]
    assert not DeadlineMark.objects.filter(signal="reminder").exists()


def test_a_reminder_whose_window_passed_unseen_is_sent_late_until_the_escalation(
    general_hazard, ma, mailoutbox
):
    _sent_so_far(mailoutbox)
    # Nothing ran from 12 h before the deadline until 1 h after it (worker down).
    with time_machine.travel(general_hazard.deadline + timedelta(hours=1)):
        assert scan_deadlines().sent == [(general_hazard.number, "reminder")]
        assert scan_deadlines().sent == []
        sweep_later()
    (mail,) = mailoutbox
    assert mail.to == ["ma@acme.test"] and "本提醒延迟发出" in mail.subject  # Acme reads Chinese

    with time_machine.travel(general_hazard.deadline + timedelta(hours=2, minutes=1)):
        assert scan_deadlines().sent == [(general_hazard.number, "escalation_1")]


def test_both_escalations_due_at_once_send_one_email_to_each_person(
    general_hazard, ma, liu, zhou, mailoutbox
):
    _sent_so_far(mailoutbox)
    with time_machine.travel(general_hazard.deadline + timedelta(days=3)):
        scan_deadlines()
        sweep_later()

    told = sorted(m.to[0] for m in mailoutbox)
    assert told == ["liu@acme.test", "ma@acme.test", "zhou@acme.test"]
    assert {m.subject for m in mailoutbox} == {mailoutbox[0].subject}
    assert _events(ma) == ["hazard.assigned", "hazard.escalation_2"]
    marks = DeadlineMark.objects.filter(hazard=general_hazard).values_list("signal", flat=True)
    assert sorted(marks) == ["escalation_1", "escalation_2"]


def test_a_reminder_whose_delivery_message_was_lost_is_sent_by_the_sweep(
    general_hazard, ma, mailoutbox
):
    _sent_so_far(mailoutbox)
    # The test's transaction never commits: the message after the commit is never
    # sent, as when Redis was flushed or the worker killed before it ran.
    with time_machine.travel(general_hazard.deadline - timedelta(hours=11)):
        scan_deadlines()
        (queued,) = Notification.objects.filter(
            recipient=ma, channel=Channel.EMAIL, event="hazard.reminder"
        )
        assert queued.state == Delivery.PENDING and mailoutbox == []

        assert sweep_later() == 1
        assert sweep_later(300) == 0
        assert scan_deadlines().sent == []

    (mail,) = mailoutbox
    assert mail.to == ["ma@acme.test"] and general_hazard.number in mail.subject


def test_an_approved_extension_starts_the_clock_again(general_hazard, ma, sun):
    with time_machine.travel(general_hazard.deadline - timedelta(hours=11)):
        scan_deadlines()
        extension = services.request_extension(
            general_hazard,
            by=ma,
            new_deadline=general_hazard.deadline + timedelta(days=2),
            reason="Waiting for a spare part",
        )
        services.decide_extension(extension, by=sun, approve=True)
    general_hazard.refresh_from_db()
    with time_machine.travel(general_hazard.deadline - timedelta(hours=11)):
        assert scan_deadlines().sent == [(general_hazard.number, "reminder")]


def test_a_hazard_waiting_for_acceptance_is_not_escalated(general_hazard, ma):
    from tests.hazards.conftest import make_photo, make_signature

    services.submit_rectification(
        general_hazard,
        by=ma,
        description="Fixed",
        after_photos=[make_photo()],
        signature_data_url=make_signature(),
    )
    with time_machine.travel(general_hazard.deadline + timedelta(days=2)):
        assert scan_deadlines().sent == []


def test_scan_task_accepts_a_moment_to_replay(general_hazard):
    from safeloop.tenants.hazards.tasks import scan_hazard_deadlines

    at = (general_hazard.deadline + timedelta(hours=3)).isoformat()
    assert scan_hazard_deadlines(at)["escalations"] == 1
    assert scan_hazard_deadlines(at)["escalations"] == 0
    assert timezone.now() < general_hazard.deadline
