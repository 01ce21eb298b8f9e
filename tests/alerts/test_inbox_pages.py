"""The inbox page: the signed-in person's notifications, newest first, unread bold, urgent red.

Li (team leader) gets hazard notices; Zhang (operator) may not see hers;
Chen is in another enterprise (Globex).
"""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from safeloop.platform.urls_util import tenant_absolute_url
from safeloop.tenants.alerts.models import Channel, Notification
from safeloop.tenants.alerts.services import Message, notify, unread_count

pytestmark = pytest.mark.django_db


def _tell(user, subject, *, urgent=False, link="", key=None):
    created = notify(
        [user],
        Message(event="hazard.reported", subject=subject, link=link, urgent=urgent),
        dedupe_key=key or subject,
        robots=False,
    )
    return next(n for n in created if n.channel == Channel.INBOX)


def test_inbox_lists_my_notifications_newest_first_unread_bold_and_urgent_red(as_li, li, zhang):
    older = _tell(li, "Hazard reported: H-0001 Oil leak")
    urgent = _tell(li, "MAJOR hazard reported: H-0002 Gas smell", urgent=True)
    _tell(zhang, "Not for Li")
    Notification.objects.filter(pk=older.pk).update(read_at=older.created_at)

    response = as_li.get("/inbox/")
    html = response.content.decode()

    assert response.status_code == 200
    assert [n.pk for n in response.context["page_obj"]] == [urgent.pk, older.pk]
    assert "Not for Li" not in html
    assert (
        f'class="notification is-unread is-urgent" data-testid="notification-{urgent.pk}"' in html
    )
    assert "<strong>MAJOR hazard reported: H-0002 Gas smell</strong>" in html
    assert f'class="notification" data-testid="notification-{older.pk}"' in html
    assert f'href="/inbox/{urgent.pk}/open/"' in html
    assert 'data-testid="mark-all-read"' in html


def test_opening_a_notification_marks_it_read_and_follows_its_link(as_li, li):
    link = tenant_absolute_url("/h/2/")
    notification = _tell(li, "Hazard reported: H-0002", link=link)

    response = as_li.get(f"/inbox/{notification.pk}/open/")

    assert response.status_code == 302 and response["Location"] == link
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_to_another_host_is_not_followed(as_li, li):
    notification = _tell(li, "Phishy", link="https://evil.example/steal")

    response = as_li.get(f"/inbox/{notification.pk}/open/")

    assert response.status_code == 302 and response["Location"] == "/inbox/"


def test_mark_all_read_clears_the_unread_count_and_needs_a_post(as_li, li):
    _tell(li, "One")
    _tell(li, "Two")

    refused = as_li.get("/inbox/read-all/")
    response = as_li.post("/inbox/read-all/")

    assert refused.status_code == 405
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    assert unread_count(li) == 0
    assert 'data-testid="mark-all-read"' not in as_li.get("/inbox/").content.decode()


def test_someone_elses_notification_cannot_be_opened(as_zhang, li):
    notification = _tell(li, "For Li only")

    response = as_zhang.get(f"/inbox/{notification.pk}/open/")

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_another_enterprise_never_sees_the_notification(as_chen, li):
    notification = _tell(li, "Acme internal")

    inbox = as_chen.get("/inbox/")
    opened = as_chen.get(f"/inbox/{notification.pk}/open/")

    assert "Acme internal" not in inbox.content.decode()
    assert opened.status_code == 404


def test_the_inbox_is_paginated(as_li, li):
    for n in range(30):
        _tell(li, f"Notice {n:02}")

    first = as_li.get("/inbox/")
    second = as_li.get("/inbox/?page=2")

    assert len(first.context["page_obj"]) == 25 and len(second.context["page_obj"]) == 5
    assert 'href="?page=2"' in first.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(acme_client):
    response = acme_client.get("/inbox/", follow=True)

    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")


def test_the_shell_tag_counts_unread_notifications_only_inside_an_enterprise(li, acme):
    from safeloop.platform.models import Enterprise

    _tell(li, "A")
    _tell(li, "B")
    template = Template("{% load alerts_shell %}{% unread_notifications as n %}{{ n }}")
    request = RequestFactory().get("/")
    request.user = li

    request.tenant = acme
    in_acme = template.render(Context({"request": request}))
    request = RequestFactory().get("/")
    request.user = li
    request.tenant = Enterprise.objects.get(schema_name="public")
    on_public_site = template.render(Context({"request": request}))

    assert in_acme == "2"
    assert on_public_site == "0"
