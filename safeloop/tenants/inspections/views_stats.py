"""Completion (巡检完成率): rates per plan, area and person for this week or month."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.access import can
from safeloop.platform.localdays import day_start
from safeloop.tenants.inspections.permissions import InspectionPerm
from safeloop.tenants.inspections.selectors import overdue_tasks
from safeloop.tenants.inspections.services import completion_stats
from safeloop.tenants.inspections.services.stats import answer_tally
from safeloop.tenants.inspections.views import forbidden

PERIODS = {"week": _("This week"), "month": _("This month")}
GROUPS = (("plan", _("Per plan")), ("area", _("Per area")), ("person", _("Per person")))
OVERDUE_SHOWN = 20


def period_bounds(period: str, today=None) -> tuple[datetime, datetime]:
    """This week (Monday on) or this month, in the enterprise's time."""
    today = today or timezone.localdate()
    if period == "month":
        first = today.replace(day=1)
        after = (first + timedelta(days=32)).replace(day=1)
    else:
        first = today - timedelta(days=today.weekday())
        after = first + timedelta(days=7)
    return day_start(first), day_start(after)


def completion(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('account_login')}?{query}")
    user = request.user
    if not (
        can(user, InspectionPerm.INSPECTIONS_VIEW_ALL)
        or can(user, InspectionPerm.INSPECTIONS_VIEW_WORKSHOP)
    ):
        return forbidden(request)
    period = request.GET.get("period", "week")
    period = period if period in PERIODS else "week"
    start, end = period_bounds(period)
    tables = [
        (key, title, completion_stats(by=user, start=start, end=end, group_by=key))
        for key, title in GROUPS
    ]
    return render(
        request,
        "inspections/completion.html",
        {
            "period": period,
            "periods": PERIODS.items(),
            "start": start,
            "end": end - timedelta(days=1),
            "tables": tables,
            "tally": answer_tally(by=user, start=start, end=end),
            "overdue": list(overdue_tasks(user)[:OVERDUE_SHOWN]),
        },
    )
