"""The bell on every page counts unread notifications without counting them on every page.

Li Na (team leader of W1) browses while hazard notices arrive for her; Chen Jie
is Globex's admin, whose user id may well equal someone's at Acme.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from safeloop.tenants.alerts.models import Channel
from safeloop.tenants.alerts.services import Message, mark_read, notify

pytestmark = pytest.mark.django_db


def _tell(user, subject: str):
    created = notify(
        [user], Message(event="hazard.reported", subject=subject), dedupe_key=subject, robots=False
    )
    return next(n for n in created if n.channel == Channel.INBOX)


def _badge(client) -> int:
    html = client.get("/").content.decode()
    found = re.search(r'data-testid="unread-badge">(\d+)<', html)
    return int(found.group(1)) if found else 0


def test_a_new_notification_shows_in_the_badge_on_the_next_page(as_li, li):
    before = _badge(as_li)

    _tell(li, "Hazard reported: H-0101 Guard missing on press 3")
    assert _badge(as_li) == before + 1

    second = _tell(li, "Hazard reported: H-0102 Oil on the floor")
    assert _badge(as_li) == before + 2

    mark_read(li, [second.pk])
    assert _badge(as_li) == before + 1

    mark_read(li)
    assert _badge(as_li) == 0


def test_the_badge_is_not_counted_again_on_every_page(as_li, li):
    _tell(li, "Hazard reported: H-0103 Blocked exit")
    _badge(as_li)

    with CaptureQueriesContext(connection) as captured:
        assert _badge(as_li) >= 1

    assert not [q for q in captured.captured_queries if "alerts_notification" in q["sql"]]


def test_each_enterprise_counts_its_own_people(as_li, li, as_chen, chen, globex):
    _tell(li, "Hazard reported: H-0104 Loose cable")
    acme_count = _badge(as_li)
    with tenant_context(globex):
        globex_count = _badge(as_chen)
        _tell(chen, "Hazard reported: G-0001 Cold room door")

        assert _badge(as_chen) == globex_count + 1
    assert _badge(as_li) == acme_count
