"""Inspection pages on the phone: my inspections today, a task's points, an
inspection's result with one-tap hazards. The checklist itself is on the QR
point page (``facilities.views_point.point`` + ``inspections.point_panel``).
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safeloop.access import can
from safeloop.tenants.facilities.qr import point_path, point_url
from safeloop.tenants.hazards.permissions import HazardPerm
from safeloop.tenants.inspections.forms import SkipForm
from safeloop.tenants.inspections.models import Answer, TaskPoint, TaskState
from safeloop.tenants.inspections.permissions import InspectionPerm
from safeloop.tenants.inspections.point_panel import plain_number
from safeloop.tenants.inspections.selectors import (
    tasks_for_day,
    visible_inspections,
    visible_tasks,
)
from safeloop.tenants.inspections.services import (
    create_hazard_from_answer,
    next_point,
    skip_point,
)
from safeloop.tenants.inspections.tally import tally_answers


def inspector_page(view):
    """Signed-out phones go through quick login and come back; others need inspections.do."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:quick_login')}?{query}")
        if not can(request.user, InspectionPerm.INSPECTIONS_DO):
            return forbidden(request)
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return forbidden(request)

    return wrapped


def forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "inspections/forbidden.html", status=403)


def _point_link(point) -> dict:
    token = point.target.qr_token
    return {"path": point_path(token), "url": point_url(token)}


@inspector_page
def today(request: HttpRequest) -> HttpResponse:
    tasks = tasks_for_day(request.user).annotate(
        total=Count("points"),
        resolved=Count(
            "points",
            filter=Q(points__inspection__isnull=False) | Q(points__skipped_at__isnull=False),
        ),
    )
    can_view_stats = can(request.user, InspectionPerm.INSPECTIONS_VIEW_ALL) or can(
        request.user, InspectionPerm.INSPECTIONS_VIEW_WORKSHOP
    )
    return render(
        request,
        "inspections/today.html",
        {"tasks": tasks, "today": timezone.localdate(), "can_view_stats": can_view_stats},
    )


def _task_points(task) -> list[TaskPoint]:
    return list(
        task.points.select_related(
            "point__area__parent", "point__equipment__area", "checklist", "inspection"
        ).order_by("order")
    )


def _task_page(request, task, *, skip_errors=None, status=200) -> HttpResponse:
    points = _task_points(task)
    upcoming = next_point(task) if task.state == TaskState.OPEN else None
    rows = [
        {
            "tp": tp,
            "link": _point_link(tp.point),
            "is_next": upcoming is not None and tp.pk == upcoming.pk,
            "state": "done" if tp.inspection_id else "skipped" if tp.skipped_at else "pending",
            "errors": (skip_errors or {}).get(tp.pk),
        }
        for tp in points
    ]
    mine = task.assignee_id == getattr(getattr(request.user, "person", None), "pk", None)
    return render(
        request,
        "inspections/task.html",
        {"task": task, "rows": rows, "mine": mine, "skip_form": SkipForm()},
        status=status,
    )


def _visible_task(request, pk: int):
    task = visible_tasks(request.user).select_related("plan", "route", "assignee__user")
    task = task.filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


@inspector_page
def task(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_page(request, _visible_task(request, pk))


@require_POST
@inspector_page
def skip(request: HttpRequest, pk: int, point_pk: int) -> HttpResponse:
    task = _visible_task(request, pk)
    task_point = task.points.filter(pk=point_pk).first()
    if task_point is None:
        raise Http404
    form = SkipForm(request.POST)
    form.is_valid()
    try:
        skip_point(task_point, by=request.user, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        task.refresh_from_db()
        return _task_page(request, task, skip_errors={task_point.pk: exc.messages}, status=400)
    return redirect("inspections:task", task.pk)


@inspector_page
def result(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = (
        visible_inspections(request.user)
        .select_related(
            "point__area__parent",
            "point__equipment__area",
            "checklist_version__checklist",
            "inspector__user",
            "task",
        )
        .filter(pk=pk, submitted_at__isnull=False)
        .first()
    )
    if inspection is None:
        raise Http404
    answers = list(inspection.answers.select_related("item", "hazard").order_by("item__order"))
    for answer in answers:
        answer.shown_number = plain_number(answer.value_number)
    task = inspection.task
    upcoming = next_point(task) if task and task.state == TaskState.OPEN else None
    mine = inspection.inspector.user_id == request.user.pk
    return render(
        request,
        "inspections/result.html",
        {
            "inspection": inspection,
            "answers": answers,
            "failed": sum(1 for a in answers if a.passed is False),
            "tally": tally_answers(answers),
            "task": task,
            "upcoming": upcoming,
            "upcoming_link": _point_link(upcoming.point) if upcoming else None,
            "can_report": can(request.user, HazardPerm.HAZARD_REPORT),
            "mine": mine,
            "point_link": _point_link(inspection.point),
        },
    )


@require_http_methods(["POST"])
@inspector_page
def answer_hazard(request: HttpRequest, pk: int) -> HttpResponse:
    """One tap: the failed answer becomes a hazard, then its page opens."""
    answer = (
        Answer.objects.filter(inspection__in=visible_inspections(request.user), pk=pk)
        .select_related("inspection")
        .first()
    )
    if answer is None:
        raise Http404
    try:
        hazard = create_hazard_from_answer(answer, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("inspections:result", answer.inspection_id)
    return redirect("hazards:detail", hazard.pk)
