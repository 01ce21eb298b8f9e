"""The sensor pages (thin: ``selectors`` read, ``services.alarms`` changes).

``/iot/`` is the alarm board: open alarms first, then the devices and their
status; ``/iot/live/`` is its alarm and device part as HTML, which the page
fetches every few seconds, so a new alarm shows without a reload. An alarm's
page has the live curve and the point's context; a device's page its curves
(last hour / day / week, in buckets the database computes).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from safeloop.access import can
from safeloop.iot_bridge import selectors
from safeloop.iot_bridge.models import Alarm, Sensor
from safeloop.iot_bridge.permissions import IotPerm
from safeloop.iot_bridge.services import alarms as alarm_services
from safeloop.platform.iot_registry import drops_of
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
