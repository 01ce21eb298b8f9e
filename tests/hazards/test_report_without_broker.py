"""A hazard report commits and answers although the broker (Redis) is down.

Zhang reports a major hazard at workshop W1 while nothing listens on the
broker's port; the people the grade policy names hear of it from the outbox
sweep once the broker message is known to be lost, each once.
"""

from __future__ import annotations

from collections import Counter

import pytest

from safeloop.tenants.alerts.models import Channel, Delivery, Notification
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import Hazard
from tests.support.outbox import sweep_later, unreachable_broker  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unreachable_broker")]


def test_a_major_hazard_reported_while_the_broker_is_down_is_saved_once_and_told_later(
    zhang, w1_area, library, mailoutbox, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        hazard = services.report_hazard(
            by=zhang, area=w1_area, library_entry=library("major"), description="Gas smell"
        )

    # then: saved once, its e-mails waiting in the outbox
    assert Hazard.objects.filter(description="Gas smell").count() == 1
    waiting = Notification.objects.filter(channel=Channel.EMAIL, subject__contains=hazard.number)
    assert waiting.exists() and set(waiting.values_list("state", flat=True)) == {Delivery.PENDING}

    # and the sweep tells each person once
    assert sweep_later() == waiting.count()
    sweep_later(600)
    per_person = Counter((m.to[0], m.subject) for m in mailoutbox)
    assert len(per_person) == waiting.count() and set(per_person.values()) == {1}
