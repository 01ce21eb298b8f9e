"""The notification pages: inbox, channel choice and group robots (thin: the services decide)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from safeloop.tenants.alerts.forms import ChannelsForm, RobotForm
from safeloop.tenants.alerts.models import Channel, Notification, Robot, RobotEvent
from safeloop.tenants.alerts.permissions import AlertPerm
from safeloop.tenants.alerts.robots_service import (
    create_robot,
    masked_webhook,
    robots_with_last_delivery,
    send_test_message,
    update_robot,
)
from safeloop.tenants.alerts.services import (
    inbox_for,
    mark_read,
    phone_of,
    preferred_channels,
    set_channels,
    unread_count,
)
from safeloop.web.forms import submit_form
from safeloop.web.guards import guarded

PAGE_SIZE = 25


# --- Inbox ----------------------------------------------------------------------


@guarded()
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(inbox_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "alerts/inbox.html", {"page_obj": page, "unread": unread_count(request.user)}
    )


@guarded()
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = mark_read(request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked as read.",
            "%(count)d notifications marked as read.",
            count,
        )
        % {"count": count},
    )
    return redirect("alerts:inbox")


def _safe_link(request: HttpRequest, link: str) -> str | None:
    """``link`` if it stays on this enterprise's host (links are absolute: they go out by email
    too, and their port may differ from the request's); otherwise None."""
    parts = urlsplit(link)
    if not parts.netloc:
        return link if url_has_allowed_host_and_scheme(link, {request.get_host()}) else None
    tenant = request.tenant
    hosts = {request.get_host().split(":")[0].lower(), tenant.host.lower()}
    hosts |= {d.lower() for d in tenant.domains.values_list("domain", flat=True)}
    if parts.scheme in ("http", "https") and (parts.hostname or "").lower() in hosts:
        return link
    return None


@guarded()
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go where it points."""
    notification = get_object_or_404(
        Notification, pk=pk, recipient=request.user, channel=Channel.INBOX
    )
    mark_read(request.user, [notification.pk])
    return redirect(_safe_link(request, notification.link) or "alerts:inbox")


# --- Channel choice ---------------------------------------------------------------


@guarded()
def channels(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"channels": [c for c in preferred_channels(user) if c != Channel.INBOX]}
    # Unticking every box posts nothing but the token: still a submitted form.
    form = ChannelsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and submit_form(
        form, lambda data: set_channels(user, data["channels"]), "channels"
    ):
        messages.success(request, _("Your notification channels are saved."))
        return redirect("alerts:channels")
    return render(request, "alerts/channels.html", {"form": form, "phone": phone_of(user)})


# --- Group robots ----------------------------------------------------------------------


@guarded(AlertPerm.MANAGE_ROBOTS)
def robots(request: HttpRequest) -> HttpResponse:
    labels = dict(RobotEvent.choices)
    rows = list(robots_with_last_delivery())
    for robot in rows:
        robot.masked_url = masked_webhook(robot.webhook_url)
        robot.event_labels = [labels.get(event, event) for event in robot.events]
    return render(request, "alerts/robots.html", {"robots": rows})


@guarded(AlertPerm.MANAGE_ROBOTS)
def robot_add(request: HttpRequest) -> HttpResponse:
    form = RobotForm(request.POST or None)
    created: list[Robot] = []
    if request.method == "POST" and submit_form(
        form,
        lambda data: created.append(
            create_robot(
                by=request.user,
                name=data["name"],
                kind=data["kind"],
                webhook_url=data["webhook_url"],
                secret=data["secret"],
                events=data["events"],
            )
        ),
        "webhook_url",
    ):
        messages.success(request, _("Robot %(name)s added.") % {"name": created[0].name})
        return redirect("alerts:robots")
    return render(request, "alerts/robot_form.html", {"form": form, "title": _("Add robot")})


@guarded(AlertPerm.MANAGE_ROBOTS)
def robot_edit(request: HttpRequest, pk: int) -> HttpResponse:
    robot = get_object_or_404(Robot, pk=pk)
    form = RobotForm(request.POST or None, robot=robot)

    def save(_data: dict) -> None:
        changes = form.changes()
        if changes:
            update_robot(robot, by=request.user, **changes)

    if request.method == "POST" and submit_form(form, save, "webhook_url"):
        messages.success(request, _("Robot %(name)s saved.") % {"name": robot.name})
        return redirect("alerts:robots")
    return render(
        request,
        "alerts/robot_form.html",
        {"form": form, "robot": robot, "title": _("Edit robot %(name)s") % {"name": robot.name}},
    )


@guarded(AlertPerm.MANAGE_ROBOTS)
@require_POST
def robot_active(request: HttpRequest, pk: int) -> HttpResponse:
    robot = get_object_or_404(Robot, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        update_robot(robot, by=request.user, is_active=active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        text = _("Robot %(name)s enabled.") if active else _("Robot %(name)s disabled.")
        messages.success(request, text % {"name": robot.name})
    return redirect(f"{reverse('alerts:robots')}#robot-{robot.pk}")


@guarded(AlertPerm.MANAGE_ROBOTS)
@require_POST
def robot_test(request: HttpRequest, pk: int) -> HttpResponse:
    robot = get_object_or_404(Robot, pk=pk)
    send_test_message(robot, by=request.user)
    messages.success(
        request,
        _("Test message to %(name)s queued. Reload this page in a few seconds to see the result.")
        % {"name": robot.name},
    )
    return redirect(f"{reverse('alerts:robots')}#robot-{robot.pk}")
