"""Group HQ and district authority pages (public host), and the enterprise's page
for joining and leaving them (its own host). Thin: platform.oversight decides."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps

from allauth.account.forms import LoginForm
from django.contrib import messages
from django.contrib.auth import login, logout
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tenants.utils import tenant_context

from safeloop.access import permission
from safeloop.platform import oversight, scoring
from safeloop.platform.files import private_download
from safeloop.platform.models import OversightKind
from safeloop.web.guards import guarded

PERIODS = (30, 90, 180)
DEFAULT_DAYS = 90
SITES_PER_PAGE = 100  # the ranking is scored whole, shown a hundred ranks at a time
LOW_LISTED = 50  # the district's list for targeted inspection: the 50 weakest
EMAIL_BACKEND = "safeloop.tenants.accounts.backends.EmailBackend"


# --- The enterprise's side: join (with consent) and leave --------------------------------


@guarded(permission(oversight.SHARE))
def sharing(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("code", "")
    asking = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "preview":
                asking = oversight.preview_invitation(code, by=request.user)
            elif action == "join":
                membership = oversight.accept_invitation(code, by=request.user)
                messages.success(
                    request,
                    _("Your enterprise now shares its figures with %(name)s.")
                    % {"name": membership.oversight.name},
                )
                return redirect("sharing")
            elif action == "leave":
                left = oversight.leave(int(request.POST.get("membership") or 0), by=request.user)
                messages.success(
                    request,
                    _("%(name)s no longer sees your figures.") % {"name": left.oversight.name},
                )
                return redirect("sharing")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except ValueError:
            messages.error(request, _("Pick a membership to leave."))
    return render(
        request,
        "platform/oversight/sharing.html",
        {
            "memberships": oversight.memberships_of(connection.tenant),
            "asking": asking,
            "code": oversight.normalise_code(code),
            "own": oversight.own_score(connection.tenant),
        },
    )


# --- The HQ's side (public host) ---------------------------------------------------------


def hq_only(view: Callable) -> Callable:
    """Signed in as an HQ or authority account on the public host; else its sign-in."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        account = oversight.account_of(request.user)
        if account is None:
            return redirect(f"/hq/login/?next={request.path}")
        request.oversight = account.oversight
        return view(request, *args, **kwargs)

    return wrapped


def hq_login(request: HttpRequest) -> HttpResponse:
    if oversight.account_of(request.user) is not None:
        return redirect("hq:dashboard")
    form = LoginForm(data=request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        if oversight.account_of(form.user) is None:
            form.add_error(None, _("This account is not a group HQ or authority account."))
        else:
            login(request, form.user, backend=EMAIL_BACKEND)
            target = request.POST.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = ""
            return redirect(target or "hq:dashboard")
    return render(
        request, "platform/oversight/login.html", {"form": form, "next": request.GET.get("next")}
    )


@require_POST
def hq_logout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("hq:login")


def _days(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days", DEFAULT_DAYS))
    except ValueError:
        return DEFAULT_DAYS
    return days if days in PERIODS else DEFAULT_DAYS


@hq_only
def dashboard(request: HttpRequest) -> HttpResponse:
    days = _days(request)
    ranks = oversight.ranking(request.oversight, days)
    first, last = scoring.period(days)
    low = [r for r in reversed(ranks) if r.score.low]  # the weakest first
    return render(
        request,
        "platform/oversight/dashboard.html",
        {
            "oversight": request.oversight,
            "district": request.oversight.kind == OversightKind.DISTRICT,
            "page_obj": Paginator(ranks, SITES_PER_PAGE).get_page(request.GET.get("page")),
            "low": low[:LOW_LISTED],
            "low_more": max(0, len(low) - LOW_LISTED),
            "days": days,
            "periods": PERIODS,
            "first": first,
            "last": last,
            "weights": scoring.weights(),
            "grades": scoring.GRADES,
            "invitations": oversight.open_invitations(request.oversight),
            "events": oversight.recent_events(request.oversight),
        },
    )


@hq_only
@require_POST
def withdraw_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    try:
        invitation = oversight.withdraw_invitation(
            request.oversight, invitation_id, by=request.user
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("Code %(code)s withdrawn: it can no longer be used.") % {"code": invitation.code},
        )
    return redirect("hq:dashboard")


@hq_only
@require_POST
def new_invitation(request: HttpRequest) -> HttpResponse:
    invitation = oversight.issue_invitation(request.oversight, by=request.user)
    messages.success(
        request,
        _("New invitation code: %(code)s (valid until %(until)s). Give it to the site's admin.")
        % {"code": invitation.code, "until": f"{invitation.expires_at:%Y-%m-%d}"},
    )
    return redirect("hq:dashboard")


@hq_only
def site_page(request: HttpRequest, enterprise_id: int) -> HttpResponse:
    enterprise = oversight.site(request.oversight, enterprise_id)
    if enterprise is None:
        raise Http404
    days = _days(request)
    rows = oversight.site_days(enterprise, days)
    score = scoring.score(row.values for row in rows)
    measured = [f.code for f in score.figures if f.measured]
    with tenant_context(enterprise):
        from safeloop.tenants.reports.models import MonthlyReport

        reports = list(MonthlyReport.objects.values_list("month", flat=True)[:12])
    return render(
        request,
        "platform/oversight/site.html",
        {
            "oversight": request.oversight,
            "site": enterprise,
            "score": score,
            "rows": [
                {"day": row.day, "cells": [row.values.get(code) or {} for code in measured]}
                for row in rows[:31]
            ],
            "days": days,
            "periods": PERIODS,
            "reports": reports,
        },
    )


@hq_only
def site_report(request: HttpRequest, enterprise_id: int, year: int, month: int) -> HttpResponse:
    enterprise = oversight.site(request.oversight, enterprise_id)
    if enterprise is None:
        raise Http404
    try:
        first = date(year, month, 1)
    except ValueError:
        raise Http404 from None
    with tenant_context(enterprise):
        from safeloop.tenants.reports.models import MonthlyReport

        report = MonthlyReport.objects.filter(month=first).first()
        if report is None or not report.pdf:
            raise Http404
        with report.pdf.open("rb") as handle:
            body = handle.read()
    filename = f"{enterprise.slug}-{first:%Y-%m}-closed-loop.pdf"
    return private_download(body, "application/pdf", filename, attachment=False)
