"""The sensor pages (thin: ``selectors`` read, ``services.alarms`` changes).

``/iot/`` is the alarm board: open alarms first, then the devices and their
status; ``/iot/live/`` is its alarm and device part as HTML, which the page
fetches every few seconds, so a new alarm shows without a reload. An alarm's
page has the live curve and the point's context; a device's page its curves
(last hour / day / week, in buckets the database computes). ``/iot/response/`` sets
the tiered response of each kind of device (``services.response_plans``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from safeloop.access import can
from safeloop.iot_bridge import selectors
from safeloop.iot_bridge.forms import ResponsePlanForm
from safeloop.iot_bridge.models import Alarm, DeviceKind, Sensor
from safeloop.iot_bridge.permissions import IotPerm
from safeloop.iot_bridge.services import alarms as alarm_services
from safeloop.iot_bridge.services import response_plans
from safeloop.platform.iot_registry import drops_of
from safeloop.web.forms import submit_form
from safeloop.web.guards import guarded

LIVE_SECONDS = 3


def _board_context(request: HttpRequest) -> dict:
    devices = list(selectors.devices())
    for device in devices:
        device.status = selectors.status_of(device)
    return {
        "alarms": list(selectors.open_alarms()),
        "devices": devices,
        "level_colours": selectors.LEVEL_COLOURS,
        "can_ack": can(request.user, IotPerm.IOT_ACKNOWLEDGE),
    }


@guarded(IotPerm.IOT_VIEW)
def board(request: HttpRequest) -> HttpResponse:
    context = _board_context(request)
    if can(request.user, IotPerm.IOT_MANAGE_DEVICES):
        context["drops"] = drops_of(request.tenant.schema_name)
    context["can_manage"] = can(request.user, IotPerm.IOT_MANAGE_DEVICES)
    context["recent"] = list(selectors.recent_alarms())
    context["live_seconds"] = LIVE_SECONDS
    return render(request, "iot_bridge/board.html", context)


@never_cache
@require_GET
@guarded(IotPerm.IOT_VIEW)
def board_live(request: HttpRequest) -> HttpResponse:
    return render(request, "iot_bridge/_live.html", _board_context(request))


@guarded(IotPerm.IOT_VIEW)
def alarm(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Alarm.objects.select_related(
            "device__area", "device__risk_point", "sensor", "hazard", "acknowledged_by"
        ),
        pk=pk,
    )
    return render(
        request,
        "iot_bridge/alarm.html",
        {
            "alarm": item,
            "context": selectors.context_of(item),
            "can_ack": can(request.user, IotPerm.IOT_ACKNOWLEDGE) and item.acknowledged_at is None,
            "level_colours": selectors.LEVEL_COLOURS,
            "live_seconds": LIVE_SECONDS,
        },
    )


@require_POST
@guarded(IotPerm.IOT_ACKNOWLEDGE)
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Alarm, pk=pk)
    try:
        alarm_services.acknowledge(item, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Acknowledged: the others see that you are on it."))
    return redirect("iot:alarm", pk=pk)


@guarded(IotPerm.IOT_VIEW)
def device(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.devices(), pk=pk)
    item.status = selectors.status_of(item)
    return render(
        request,
        "iot_bridge/device.html",
        {
            "device": item,
            "alarms": list(item.alarms.select_related("sensor").order_by("-raised_at")[:20]),
            "level_colours": selectors.LEVEL_COLOURS,
            "live_seconds": LIVE_SECONDS,
        },
    )


@never_cache
@require_GET
@guarded(IotPerm.IOT_VIEW)
def sensor_series(request: HttpRequest, pk: int) -> JsonResponse:
    sensor = get_object_or_404(Sensor.objects.prefetch_related("thresholds"), pk=pk)
    data = selectors.series(sensor, request.GET.get("range", "hour"))
    return JsonResponse(
        {
            "metric": sensor.metric,
            "unit": sensor.unit,
            "range": data.range,
            "bucketSeconds": data.bucket_seconds,
            "start": data.start.isoformat(),
            "end": data.end.isoformat(),
            "points": data.points,
            "thresholds": [
                {
                    "level": t.level,
                    "direction": t.direction,
                    "limit": t.limit,
                    "colour": selectors.LEVEL_COLOURS[t.level],
                }
                for t in sensor.thresholds.all()
            ],
        }
    )


@guarded(IotPerm.IOT_MANAGE_DEVICES)
def response_plans_page(request: HttpRequest) -> HttpResponse:
    """Every kind of device with its three levels, one form each; a failed save is shown
    in place, a good one goes back to its level."""
    plans = response_plans.plans_by_kind()
    failed = None
    if request.method == "POST":
        row = _posted_row(request, plans)
        if "reset" in request.POST:
            response_plans.reset_response_plan(by=request.user, kind=row.kind, level=row.level)
            messages.success(
                request, _("%(plan)s: back to the standard plan.") % {"plan": _plan_name(row)}
            )
            return _back_to(row)
        form = ResponsePlanForm(request.POST, plan=row)
        if submit_form(
            form,
            lambda data: response_plans.set_response_plan(
                by=request.user, kind=row.kind, level=row.level, **data
            ),
        ):
            messages.success(
                request,
                _("%(plan)s: saved. The next alarm of this level follows it.")
                % {"plan": _plan_name(row)},
            )
            return _back_to(row)
        failed = form
    cards = [
        (
            kind,
            DeviceKind(kind).label,
            [
                failed if failed is not None and failed.plan is row else ResponsePlanForm(plan=row)
                for row in rows
            ],
        )
        for kind, rows in plans.items()
    ]
    return render(request, "iot_bridge/response.html", {"cards": cards})


def _posted_row(request: HttpRequest, plans: dict) -> response_plans.PlanRow:
    level = request.POST.get("level", "")
    for row in plans.get(request.POST.get("kind", ""), []):
        if str(row.level) == level:
            return row
    raise Http404


def _plan_name(row: response_plans.PlanRow) -> str:
    return f"{DeviceKind(row.kind).label} · {row.level_name}"


def _back_to(row: response_plans.PlanRow) -> HttpResponse:
    return redirect(f"{reverse('iot:response')}#plan-{row.kind}-{row.level}")
