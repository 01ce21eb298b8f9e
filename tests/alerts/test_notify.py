"""notify(): each person's channels (inbox always, email, SMS), deduplicated, sent after commit.

Li (team leader) has no phone number on file until a test gives her one.
Email goes to Django's locmem outbox; SMS to the console gateway (the log) or
a recording gateway configured through SAFELOOP_SMS_BACKEND.
"""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ValidationError

from safeloop.tenants.alerts.models import Channel, Delivery, Notification
from safeloop.tenants.alerts.services import (
    Message,
    channels_for,
    deliver,
    notify,
    set_channels,
    unread_count,
)
from safeloop.tenants.facilities.services import update_person
from tests.alerts.sms_backend import RecordingSmsBackend

pytestmark = pytest.mark.django_db

PHONE = "13800138000"
ASSIGNED = Message(
    event="hazard.assigned",
    subject="To fix by 2026-12-01 18:00: H-0003 Oil leak",
    body="Oil under the hydraulic press.",
    link="http://acme.localhost/h/3/",
)


def _give_phone(wang, user, phone=PHONE):
    update_person(user.person, by=wang, phone=phone)
    user.person.refresh_from_db()


def _on(channel, created):
    return [n for n in created if n.channel == channel]


def test_by_default_people_get_the_inbox_and_email(li):
    assert channels_for(li) == ["inbox", "email"]


def test_notify_puts_it_in_the_inbox_at_once_and_queues_the_email(li):
    created = notify([li], ASSIGNED, dedupe_key="h3:assigned")

    (inbox,) = _on(Channel.INBOX, created)
    (email,) = _on(Channel.EMAIL, created)
    assert inbox.state == Delivery.SENT and inbox.read_at is None
    assert email.state == Delivery.PENDING
    assert unread_count(li) == 1


def test_email_goes_out_with_the_subject_body_and_link(li, mailoutbox):
    (email,) = _on(Channel.EMAIL, notify([li], ASSIGNED, dedupe_key="h3:mail"))

    deliver(email)

    (mail,) = mailoutbox
    assert mail.to == ["li@acme.test"]
    assert mail.subject == ASSIGNED.subject
    assert ASSIGNED.body in mail.body and ASSIGNED.link in mail.body
    email.refresh_from_db()
    assert email.state == Delivery.SENT


def test_after_commit_the_celery_task_delivers_the_email(
    li, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = notify([li], ASSIGNED, dedupe_key="h3:commit")

    assert len(callbacks) == 1
    assert [m.to for m in mailoutbox] == [["li@acme.test"]]
    assert Notification.objects.get(pk=_on(Channel.EMAIL, created)[0].pk).state == Delivery.SENT


def test_notify_twice_with_the_same_key_queues_nothing_the_second_time(
    li, zhang, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        first = notify([li, zhang], ASSIGNED, dedupe_key="h3:dedupe")
        second = notify([li, zhang], ASSIGNED, dedupe_key="h3:dedupe")

    assert len(first) == 4 and second == []
    assert Notification.objects.filter(dedupe_key="h3:dedupe").count() == 4
    assert len(callbacks) == 1  # one delivery task, for the first call only
    assert unread_count(li) == 1


def test_inactive_people_and_duplicates_are_told_once_or_not_at_all(li, zhang):
    zhang.is_active = False
    zhang.save(update_fields=["is_active"])

    created = notify([li, li, None, zhang], ASSIGNED, dedupe_key="h3:people")

    assert {n.recipient for n in created} == {li}
    assert len(_on(Channel.INBOX, created)) == 1


def test_sms_needs_a_phone_number_on_file(li):
    with pytest.raises(ValidationError) as refused:
        set_channels(li, ["sms"])

    assert refused.value.error_dict["channels"][0].code == "no_phone"
    assert channels_for(li) == ["inbox", "email"]


def test_unknown_channels_are_refused(li):
    with pytest.raises(ValidationError) as refused:
        set_channels(li, ["email", "pager"])

    assert refused.value.error_dict["channels"][0].code == "invalid"


def test_chosen_sms_is_logged_by_the_console_gateway(wang, li, caplog):
    _give_phone(wang, li)
    set_channels(li, ["sms"])
    (sms,) = _on(Channel.SMS, notify([li], ASSIGNED, dedupe_key="h3:sms"))

    with caplog.at_level(logging.INFO, logger="safeloop.sms"):
        deliver(sms)

    assert channels_for(li) == ["inbox", "sms"]
    assert f"SMS to {PHONE}: {ASSIGNED.subject} {ASSIGNED.link}" in caplog.messages
    sms.refresh_from_db()
    assert sms.state == Delivery.SENT


def test_the_configured_sms_gateway_gets_the_number_and_text(wang, li, settings):
    settings.SAFELOOP_SMS_BACKEND = "tests.alerts.sms_backend.RecordingSmsBackend"
    RecordingSmsBackend.sent.clear()
    RecordingSmsBackend.keys.clear()
    _give_phone(wang, li)
    set_channels(li, ["email", "sms"])
    (sms,) = _on(Channel.SMS, notify([li], ASSIGNED, dedupe_key="h3:gateway"))

    deliver(sms)

    assert RecordingSmsBackend.sent == [(PHONE, f"{ASSIGNED.subject} {ASSIGNED.link}")]
    assert RecordingSmsBackend.keys == [f"acme.{sms.pk}"]


def test_sms_is_not_queued_once_the_phone_number_is_removed(wang, li):
    _give_phone(wang, li)
    set_channels(li, ["sms"])
    _give_phone(wang, li, phone="")

    created = notify([li], ASSIGNED, dedupe_key="h3:nophone")

    assert [n.channel for n in created] == ["inbox"]


def test_choosing_channels_is_recorded_in_the_audit_trail(li):
    from safeloop.tenants.audit.models import AuditEvent

    set_channels(li, [])

    event = AuditEvent.objects.filter(verb="alerts.channels_set").latest("id")
    assert event.actor_id == li.pk and event.data == {"channels": ["inbox"]}
