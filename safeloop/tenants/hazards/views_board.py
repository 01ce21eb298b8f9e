"""The hazard board (/h/) and the ledger export: what the user may see, filtered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.access import can
from safeloop.tenants.hazards import export as ledger
from safeloop.tenants.hazards.filters import OPEN, HazardFilterForm, month_start, summary_counts
from safeloop.tenants.hazards.models import Hazard
from safeloop.tenants.hazards.permissions import HazardPerm
from safeloop.tenants.hazards.selectors import visible_hazards
from safeloop.web.guards import forbidden

PAGE_SIZE = 25


@dataclass(frozen=True)
class Countdown:
    """Time left to the deadline, as the server renders it; board.js keeps it current."""

    deadline: datetime
    overdue: bool
    text: str

    @property
    def iso(self) -> str:
        # Whole seconds: every browser's Date.parse reads that form.
        return self.deadline.replace(microsecond=0).isoformat()


def duration_text(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts = [_("%(n)s d") % {"n": days}, _("%(n)s h") % {"n": hours} if hours else ""]
    elif hours:
        parts = [_("%(n)s h") % {"n": hours}, _("%(n)s min") % {"n": minutes} if minutes else ""]
    else:
        parts = [_("%(n)s min") % {"n": minutes}]
    return " ".join(p for p in parts if p)


def countdown(hazard: Hazard, now: datetime) -> Countdown | None:
    if not hazard.is_open or hazard.deadline is None:
        return None
    seconds = (hazard.deadline - now).total_seconds()
    if seconds < 0:
        text = _("overdue by %(time)s") % {"time": duration_text(seconds)}
    else:
        text = _("%(time)s left") % {"time": duration_text(seconds)}
    return Countdown(hazard.deadline, seconds < 0, text)


def countdown_labels() -> dict[str, str]:
    """The same phrases for board.js, with ``{n}``/``{t}`` where the numbers go."""
    return {
        "d": _("%(n)s d") % {"n": "{n}"},
        "h": _("%(n)s h") % {"n": "{n}"},
        "min": _("%(n)s min") % {"n": "{n}"},
        "left": _("%(time)s left") % {"time": "{t}"},
        "overdue": _("overdue by %(time)s") % {"time": "{t}"},
    }


def _ordered(qs: QuerySet[Hazard], state_filter: str) -> QuerySet[Hazard]:
    if state_filter == OPEN:  # open work: the most urgent first
        return qs.order_by(F("deadline").asc(nulls_last=True), "-reported_at", "-id")
    return qs.order_by("-reported_at", "-id")


@login_required
def board(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    visible = visible_hazards(request.user)
    filters = HazardFilterForm(request.GET)
    rows = _ordered(
        filters.filter(visible, now).select_related("area", "equipment", "assignee__user"),
        filters.state_filter,
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for hazard in page:
        hazard.countdown = countdown(hazard, now)
    return render(
        request,
        "hazards/board.html",
        {
            "filters": filters,
            "page_obj": page,
            "counts": summary_counts(visible, now),
            "month_start": month_start(now).date(),
            "can_export": can(request.user, HazardPerm.HAZARD_EXPORT),
            "countdown_labels": countdown_labels(),
        },
    )


@login_required
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ledger.FORMATS:
        raise Http404
    filters = HazardFilterForm(request.GET)
    try:
        content = ledger.export_ledger(
            filters.filter(visible_hazards(request.user)), by=request.user, fmt=fmt
        )
    except PermissionDenied:
        return forbidden(request)
    response = HttpResponse(content, content_type=ledger.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{ledger.filename(fmt)}"'
    return response
