"""The viewer's inbox: ``myNotifications`` with ``unreadCount``, ``markNotificationsRead``.

Zhang reports a missing guard; routing gives it to the fitter Ma, whose inbox
gets the assignment. Everyone sees only their own notifications.
"""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from safeloop.graphql.nodes import global_id
from safeloop.tenants.alerts.models import Channel, Notification
from safeloop.tenants.alerts.services import Message, notify
from safeloop.tenants.facilities.models import Area, Person
from safeloop.tenants.hazards.models import Hazard, LibraryEntry
from tests.graphql.conftest import run

pytestmark = pytest.mark.django_db

INBOX = """
query ($filters: NotificationFilter) {
  myNotifications(filters: $filters) {
    totalCount unreadCount
    edges { node { id event subject link urgent isRead readAt } }
  }
}
"""
MARK_READ = """
mutation ($input: MarkNotificationsReadInput!) {
  markNotificationsRead(input: $input) { marked unreadCount errors { field code } }
}
"""
REPORT = """
mutation ($input: ReportHazardInput!) {
  reportHazard(input: $input) { number errors { field code } }
}
"""


@pytest.fixture
def reported(acme_client, zhang):
    """Zhang reports the missing guard through the API; it goes to Ma."""
    acme_client.force_login(zhang)
    area = Area.objects.get(code="W1-A1")
    entry = LibraryEntry.objects.get(code="MECH-004")
    payload = run(
        acme_client,
        REPORT,
        {
            "input": {
                "area": global_id("Area", area),
                "libraryEntry": global_id("LibraryEntry", entry),
            }
        },
    )["reportHazard"]
    assert payload["errors"] == []
    return payload["number"]


def test_assignee_finds_the_assignment_in_his_inbox(acme_client, ma, reported):
    acme_client.force_login(ma)

    inbox = run(acme_client, INBOX)["myNotifications"]

    assert inbox["unreadCount"] == inbox["totalCount"] >= 1
    assigned = [e["node"] for e in inbox["edges"] if e["node"]["event"] == "hazard.assigned"]
    assert len(assigned) == 1
    assert reported in assigned[0]["subject"]
    assert assigned[0]["isRead"] is False
    assert assigned[0]["link"].endswith(f"/h/{Hazard.objects.get(number=reported).pk}/")


def test_marking_all_read_clears_the_unread_count(acme_client, ma, reported):
    acme_client.force_login(ma)

    marked = run(acme_client, MARK_READ, {"input": {}})["markNotificationsRead"]
    inbox = run(acme_client, INBOX)["myNotifications"]

    assert marked["errors"] == []
    assert marked["marked"] >= 1
    assert marked["unreadCount"] == 0
    assert inbox["unreadCount"] == 0
    assert all(edge["node"]["isRead"] for edge in inbox["edges"])


def test_marking_some_read_leaves_the_others(acme_client, ma):
    for n in range(3):
        notify([ma], Message(event="test.note", subject=f"Note {n}"), dedupe_key=f"note:{n}")
    acme_client.force_login(ma)
    first = run(acme_client, INBOX)["myNotifications"]["edges"][0]["node"]

    marked = run(acme_client, MARK_READ, {"input": {"ids": [first["id"]]}})
    unread = run(acme_client, INBOX, {"filters": {"unread": True}})["myNotifications"]

    assert marked["markNotificationsRead"] == {"marked": 1, "unreadCount": 2, "errors": []}
    assert unread["totalCount"] == 2
    assert first["id"] not in [edge["node"]["id"] for edge in unread["edges"]]


def test_nobody_sees_anyone_elses_notifications(acme_client, li, reported):
    acme_client.force_login(li)

    inbox = run(acme_client, INBOX, {"filters": {"event": "hazard.assigned"}})["myNotifications"]

    assert inbox["totalCount"] == 0


def test_marking_someone_elses_notification_is_not_found(acme_client, ma, li, reported):
    theirs = Notification.objects.filter(recipient=ma, channel=Channel.INBOX).first()
    acme_client.force_login(li)

    payload = run(acme_client, MARK_READ, {"input": {"ids": [global_id("Notification", theirs)]}})[
        "markNotificationsRead"
    ]

    assert payload["errors"] == [{"field": "ids", "code": "not_found"}]
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_notification_of_another_enterprise_is_not_found(acme_client, ma, globex):
    with tenant_context(globex):
        chen = Person.objects.get(user__email="chen@globex.test").user
        theirs = notify([chen], Message(event="test.note", subject="Globex only"), dedupe_key="g")
        theirs_id = global_id("Notification", theirs[0])
    acme_client.force_login(ma)

    payload = run(acme_client, MARK_READ, {"input": {"ids": [theirs_id]}})

    assert payload["markNotificationsRead"]["errors"] == [{"field": "ids", "code": "not_found"}]
    with tenant_context(globex):
        assert Notification.objects.get(pk=theirs[0].pk).read_at is None


def test_email_copies_are_not_in_the_inbox(acme_client, ma, reported):
    # Notify queues one row per channel; only the in-app ones are the inbox.
    assert Notification.objects.filter(recipient=ma, channel=Channel.EMAIL).exists()
    acme_client.force_login(ma)

    inbox = run(acme_client, INBOX)["myNotifications"]

    assert (
        inbox["totalCount"]
        == Notification.objects.filter(recipient=ma, channel=Channel.INBOX).count()
    )
