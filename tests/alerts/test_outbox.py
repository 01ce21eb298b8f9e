"""The outbox: nothing lost, nothing twice.

A notification is a row written with the change that caused it. Delivery is
driven from those rows: the broker message after the commit only hurries it,
and a periodic sweep sends whatever that message did not (Redis down or
flushed, worker killed). Rows are claimed with SKIP LOCKED and marked sent in
the claim's transaction, so two workers never send one row twice; each row
carries a key of its own (the e-mail's Message-ID, a robot request's
Idempotency-Key header) so a receiver can drop the double a crash between
sending and committing can cause.

Li (team leader) gets the inbox and e-mail; Zhang is an operator.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.tenants.alerts.models import Channel, Delivery, Notification, Robot
from safeloop.tenants.alerts.services import Message, _kicks, deliver, notify
from safeloop.tenants.alerts.tasks import deliver_notifications
from tests.support.outbox import sweep_later, unreachable_broker  # noqa: F401 (a fixture)
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

MAJOR = Message(
    event="hazard.major_reported",
    subject="MAJOR hazard reported: H-0042 Gas smell near the furnace",
    body="Strong smell of gas at furnace 2.",
    link="http://acme.localhost/h/42/",
    urgent=True,
)


def _emails(created) -> list[Notification]:
    return [n for n in created if n.channel == Channel.EMAIL]


@pytest.mark.usefixtures("unreachable_broker")
def test_a_notification_commits_although_the_broker_is_down_and_the_sweep_sends_it(
    li, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    # when: the broker refuses the delivery message after the commit
    with django_capture_on_commit_callbacks(execute=True) as kicks:
        created = notify([li], MAJOR, dedupe_key="h42:reported")

    # then: the caller saw nothing of it but the operator sees it in the log
    assert len(kicks) == 1
    assert _kicks.flush()
    (warning,) = [r for r in caplog.records if r.name == "safeloop.alerts"]
    assert warning.levelname == "WARNING"
    assert "acme" in warning.getMessage() and "sweep" in warning.getMessage()
    # and the e-mail waits in the outbox
    (email,) = _emails(created)
    email.refresh_from_db()
    assert email.state == Delivery.PENDING and mailoutbox == []

    # and the sweep sends it once, however often it runs
    assert sweep_later() == 1
    assert sweep_later(120) == 0
    assert [(m.to, m.subject) for m in mailoutbox] == [(["li@acme.test"], MAJOR.subject)]
    email.refresh_from_db()
    assert email.state == Delivery.SENT and email.attempts == 1


def test_the_sweep_leaves_fresh_rows_to_the_message_that_is_on_its_way(li, mailoutbox):
    from safeloop.tenants.alerts.tasks import sweep_outbox

    notify([li], MAJOR, dedupe_key="h42:fresh")

    assert sweep_outbox() == 0
    assert sweep_later() == 1


def test_two_workers_delivering_the_same_rows_at_once_send_each_email_once(acme, settings):
    settings.EMAIL_BACKEND = "tests.alerts.slow_mail.SlowLocmemBackend"
    mail.outbox = []
    key = "h42:race"

    def queue():
        with tenant_context(acme):
            from django.contrib.auth import get_user_model

            people = get_user_model().objects.filter(email__in=["li@acme.test", "zhang@acme.test"])
            return [n.pk for n in _emails(notify(people, MAJOR, dedupe_key=key))]

    def deliver_as_a_worker(ids, start):
        def work():
            with tenant_context(acme):
                start.wait(timeout=10)
                deliver_notifications.apply(args=[ids])

        return threading.Thread(target=lambda: committed(work))

    ids = committed(queue)
    try:
        # when: a redelivered message and the first one run side by side, then once more
        start = threading.Barrier(2)
        workers = [deliver_as_a_worker(ids, start) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=30)
        committed(lambda: deliver_as_a_worker(ids, threading.Barrier(1)).run())

        # then
        sent = sorted((m.to[0], m.subject) for m in mail.outbox)
        assert sent == [("li@acme.test", MAJOR.subject), ("zhang@acme.test", MAJOR.subject)]
    finally:

        def clean():
            with tenant_context(acme):
                Notification.objects.filter(dedupe_key=key).delete()

        committed(clean)


def test_a_failing_robot_is_retried_after_a_back_off_then_marked_sent(
    wang, robot_server, local_robots
):
    robot = Robot.objects.create(
        kind="dingtalk", name="Safety group", webhook_url=robot_server.url("/dingtalk/flaky")
    )
    robot_server.fail_next("/dingtalk/flaky", {"errcode": 130101, "errmsg": "send too fast"})
    (queued,) = notify([], MAJOR, dedupe_key="h42:flaky", robots=[robot])

    # when: the delivery message arrives, and a redelivered one right after
    deliver_notifications.apply(args=[[queued.pk]])
    deliver_notifications.apply(args=[[queued.pk]])

    # then: one try; the row waits out its back-off
    queued.refresh_from_db()
    assert len(robot_server.hits_to("/dingtalk/flaky")) == 1
    assert queued.state == Delivery.FAILED and queued.attempts == 1
    assert "130101" in queued.error
    assert queued.next_attempt_at > timezone.now() + timedelta(seconds=20)

    # and the sweep after the back-off sends it
    assert sweep_later() == 1
    queued.refresh_from_db()
    assert queued.state == Delivery.SENT and queued.attempts == 2 and queued.error == ""
    assert len(robot_server.hits_to("/dingtalk/flaky")) == 2


def test_delivery_gives_up_after_the_last_attempt_and_stays_visibly_failed(
    wang, robot_server, local_robots, settings
):
    settings.SAFELOOP_OUTBOX_MAX_ATTEMPTS = 2
    robot = Robot.objects.create(
        kind="wecom", name="Safety group", webhook_url=robot_server.url("/wecom/gone")
    )
    for _ in range(3):
        robot_server.fail_next("/wecom/gone", {"errcode": 93000, "errmsg": "invalid webhook"})
    (queued,) = notify([], MAJOR, dedupe_key="h42:gone", robots=[robot])

    deliver_notifications.apply(args=[[queued.pk]])
    sweep_later(120)
    sweep_later(24 * 3600)

    queued.refresh_from_db()
    assert len(robot_server.hits_to("/wecom/gone")) == 2
    assert queued.state == Delivery.FAILED and queued.attempts == 2
    assert queued.next_attempt_at is None and "93000" in queued.error


def test_a_resend_after_a_crash_carries_the_same_message_id(li, mailoutbox):
    (email,) = _emails(notify([li], MAJOR, dedupe_key="h42:crash"))

    # when: the e-mail left, but the worker died before its commit
    with pytest.raises(RuntimeError), transaction.atomic():
        deliver(Notification.objects.select_for_update().get(pk=email.pk))
        raise RuntimeError("worker killed")
    sweep_later()

    # then: the receiver gets the same Message-ID twice and can drop the second
    first, second = mailoutbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"] == f"<acme.{email.pk}@safeloop>"
    other = _emails(notify([li], MAJOR, dedupe_key="h42:other"))[0]
    assert other.delivery_key != email.delivery_key


def test_robot_requests_carry_the_notification_key(wang, robot_server, local_robots):
    robot = Robot.objects.create(
        kind="feishu", name="Safety group", webhook_url=robot_server.url("/feishu/keyed")
    )
    (queued,) = notify([], MAJOR, dedupe_key="h42:keyed", robots=[robot])

    deliver(queued)

    (hit,) = robot_server.hits_to("/feishu/keyed")
    assert hit.headers["Idempotency-Key"] == queued.delivery_key == f"acme.{queued.pk}"
