"""The four-colour map pages (thin: ``risks.mapping`` changes, ``risks.selectors`` reads).

``/r/map/`` shows the active site plan with every zone in its area's colour;
``/r/map/data.json`` is the same data for the page to recolour itself after a
re-assessment. ``/r/map/edit/`` uploads plans and draws zones; its drawing
posts JSON to the zone endpoints, which answer JSON (errors as
``{field: [{code, message}]}``, like the GraphQL payloads).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeloop.access import Permission, can
from safeloop.platform.files import serve_tenant_file
from safeloop.tenants.facilities.models import Area
from safeloop.tenants.risks import mapping
from safeloop.tenants.risks.models import SitePlan, Zone
from safeloop.tenants.risks.permissions import RiskPerm
from safeloop.tenants.risks.scoring import BAND_COLOURS, BAND_ORDER
from safeloop.tenants.risks.selectors import UNASSESSED_COLOUR, current_site_plan, map_zones
from safeloop.web.forms import ShellForm, apply_service_error
from safeloop.web.guards import guarded

REFRESH_SECONDS = 60
# With sensors on site the map follows their alarms: a zone turns to the alarm colour
# within seconds of the alarm (the payload is a few small queries).
ALARM_REFRESH_SECONDS = 3


class SitePlanForm(ShellForm):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    image = forms.FileField(
        label=gettext_lazy("Site plan image"),
        help_text=gettext_lazy("PNG, JPEG or WebP, at most 20 MB and 10000 pixels a side."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    keep_zones = forms.BooleanField(
        label=gettext_lazy("Keep the zones drawn on the current plan"),
        help_text=gettext_lazy(
            "For an updated drawing of the same site: the zones are copied in the same "
            "place, so check that they still fit. Leave unticked to draw them again."
        ),
        required=False,
        initial=True,
    )

    def __init__(self, *args, replacing: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not replacing:
            del self.fields["keep_zones"]


def map_payload(plan: SitePlan | None) -> dict[str, Any]:
    """The map as JSON: the plan and each zone with its colour, counts and link."""
    if plan is None:
        return {"plan": None, "zones": []}
    from safeloop.iot_bridge.selectors import ALARM_COLOUR, alarm_areas

    register = reverse("risks:register")
    alarms = alarm_areas()
    zones = []
    for view in map_zones(plan):
        row = view.as_dict()
        row["alarm"] = alarms.get(view.zone.area_id, 0)
        row["alarmColour"] = ALARM_COLOUR if row["alarm"] else None
        row["label"] = mapping.label_point(view.zone.polygon)
        row["url"] = f"{register}?area={view.zone.area_id}"
        zones.append(row)
    return {
        "plan": {
            "id": plan.pk,
            "name": plan.name,
            "width": plan.width,
            "height": plan.height,
            "image": reverse("risks:map_plan_image", args=[plan.pk]),
        },
        "zones": zones,
    }


def _legend() -> list[dict[str, str]]:
    return [{"band": b.value, "label": b.label, "colour": BAND_COLOURS[b]} for b in BAND_ORDER]


def _template_zone(row: dict[str, Any]) -> dict[str, Any]:
    """A zone row plus what the template can't compute (numbers formatted, never localised)."""
    x, y = row["label"]
    return {
        **row,
        "points": " ".join(f"{px:g},{py:g}" for px, py in row["polygon"]),
        "left": f"{x * 100:.3f}",
        "top": f"{y * 100:.3f}",
        "band_counts": [
            {"band": b.value, "label": b.label, "n": row["byBand"].get(b.value, 0)}
            for b in BAND_ORDER
        ],
    }


def _errors(exc: ValidationError) -> dict[str, list[dict[str, str]]]:
    details = exc.error_dict if hasattr(exc, "error_dict") else {"__all__": exc.error_list}
    return {
        field: [{"code": e.code or "invalid", "message": m} for e in errs for m in e.messages]
        for field, errs in details.items()
    }


def _json_error(status: int, code: str, message: str, field: str = "__all__") -> JsonResponse:
    return JsonResponse({"errors": {field: [{"code": code, "message": message}]}}, status=status)


def json_guarded(perm: Permission) -> Callable:
    """Like ``guarded`` for endpoints the page's script calls: JSON 403, never a redirect."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            refused = _("You do not have permission to do this.")
            if not can(request.user, perm):
                return _json_error(403, "permission_denied", refused)
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied:
                return _json_error(403, "permission_denied", refused)

        return wrapped

    return decorator


# --- Viewing ----------------------------------------------------------------


@require_GET
@guarded(RiskPerm.RISKS_VIEW)
def risk_map(request: HttpRequest) -> HttpResponse:
    from safeloop.iot_bridge.selectors import ALARM_COLOUR, has_devices

    payload = map_payload(current_site_plan())
    zones = [_template_zone(row) for row in payload["zones"]]
    return render(
        request,
        "risks/map.html",
        {
            "plan": payload["plan"],
            "zones": zones,
            "legend": _legend(),
            "unassessed_colour": UNASSESSED_COLOUR,
            "refresh_seconds": ALARM_REFRESH_SECONDS if has_devices() else REFRESH_SECONDS,
            "alarm_colour": ALARM_COLOUR,
            "can_manage": can(request.user, RiskPerm.RISKS_MANAGE),
        },
    )


@never_cache
@require_GET
@json_guarded(RiskPerm.RISKS_VIEW)
def map_data(request: HttpRequest) -> HttpResponse:
    return JsonResponse(map_payload(current_site_plan()))


@require_GET
@guarded(RiskPerm.RISKS_VIEW)
def plan_image(request: HttpRequest, pk: int) -> HttpResponse:
    plan = SitePlan.objects.filter(pk=pk).first()
    if plan is None:
        raise Http404
    return serve_tenant_file(plan.image)


# --- Editing ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@guarded(RiskPerm.RISKS_MANAGE)
def map_edit(request: HttpRequest) -> HttpResponse:
    plan = current_site_plan()
    form = SitePlanForm(request.POST or None, request.FILES or None, replacing=plan is not None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = mapping.upload_site_plan(
                by=request.user,
                name=form.cleaned_data["name"],
                image=form.cleaned_data["image"],
                keep_zones=form.cleaned_data.get("keep_zones", False),
            )
        except ValidationError as exc:
            apply_service_error(form, exc, "image")
        else:
            kept = plan.zones.count()
            if kept:
                text = ngettext(
                    "Site plan “%(name)s” uploaded with %(n)d zone from the previous plan. "
                    "Check that it still fits.",
                    "Site plan “%(name)s” uploaded with %(n)d zones from the previous plan. "
                    "Check that they still fit.",
                    kept,
                )
            else:
                text = _("Site plan “%(name)s” uploaded. Now draw the areas on it.")
            messages.success(request, text % {"name": plan.name, "n": kept})
            return redirect("risks:map_edit")
    payload = map_payload(plan)
    zoned = {row["area"]["id"] for row in payload["zones"]}
    areas = [
        {"id": a.pk, "code": a.code, "name": a.display_name, "zoned": a.pk in zoned}
        for a in Area.objects.order_by("code")
    ]
    return render(
        request,
        "risks/map_edit.html",
        {
            "form": form,
            "plan": payload["plan"],
            "areas": areas,
            "editor": {
                "plan": payload["plan"],
                "zones": [
                    {k: row[k] for k in ("id", "area", "polygon", "colour")}
                    for row in payload["zones"]
                ],
                "saveUrl": reverse("risks:map_zone_save"),
                "deleteUrl": reverse("risks:map_zone_delete", args=[0]),
                "maxPoints": mapping.MAX_POLYGON_POINTS,
            },
            "messages_js": {
                "pickArea": _("Pick an area first."),
                "needPoints": _("A zone needs at least 3 points."),
                "tooMany": _("A zone may have at most %(n)d points.")
                % {"n": mapping.MAX_POLYGON_POINTS},
                "saved": _("Zone saved."),
                "deleted": _("Zone deleted."),
                "confirmDelete": _("Delete this area's zone from the site plan?"),
                "failed": _("Could not reach the server. Check the connection and try again."),
                "points": _("Points: {n}"),
            },
        },
    )


def _read_json(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise ValidationError(_("The request could not be read."), code="invalid")
    return body


def _pk(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@require_POST
@json_guarded(RiskPerm.RISKS_MANAGE)
def zone_save(request: HttpRequest) -> HttpResponse:
    try:
        body = _read_json(request)
        plan = SitePlan.objects.filter(pk=_pk(body.get("plan"))).first()
        if plan is None:
            return _json_error(404, "not_found", _("This site plan no longer exists."), "plan")
        area = Area.objects.filter(pk=_pk(body.get("area"))).first()
        zone = mapping.save_zone(plan, by=request.user, area=area, polygon=body.get("polygon"))
    except ValidationError as exc:
        return JsonResponse({"errors": _errors(exc)}, status=400)
    row = next(r for r in map_payload(plan)["zones"] if r["id"] == zone.pk)
    return JsonResponse({"zone": row})


@require_POST
@json_guarded(RiskPerm.RISKS_MANAGE)
def zone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    zone = Zone.objects.select_related("area").filter(pk=pk).first()
    if zone is None:
        return _json_error(404, "not_found", _("This zone no longer exists."))
    mapping.delete_zone(zone, by=request.user)
    return JsonResponse({"deleted": pk})
