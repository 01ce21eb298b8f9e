"""The QR point page (/q/<token>/): the place's header and the panels of the apps.

Scanning the QR code of an area or a machine opens this page. It shows one
pane at a time, the one this person most likely came for (``page_mode``: the
checklist when one of their inspection tasks covers this point now, the hazard
report otherwise). A switch at the top shows another (a link, ``?mode=``, that
the script turns into an instant swap), so a photo can only be taken into the
form on screen. A POST goes to the panel its ``form`` field names, which
redirects (POST/redirect/GET) or hands back its pane with the errors.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safeloop.tenants.facilities.models import Area, Equipment
from safeloop.tenants.facilities.point_hub import (
    Pane,
    PointPanel,
    page_mode,
    point_panels,
    posted_panel,
)
from safeloop.tenants.facilities.qr import resolve_token, revoked_token

# The header, the switch and the camera tiles every panel's form uses are styled
# and scripted here (the hazard report's files, which the fix form shares).
PAGE_STYLES = ("safeloop/hazards/report.css",)
PAGE_SCRIPTS = ("safeloop/hazards/report.js",)
SWITCH_SCRIPT = "safeloop/hazards/point.js"


@require_http_methods(["GET", "POST"])
def point(request: HttpRequest, token: str) -> HttpResponse:
    found = resolve_token(token)
    if found is None:
        revoked = revoked_token(token)
        if revoked is not None:
            return render(
                request, "facilities/point_revoked.html", {"revoked": revoked}, status=410
            )
        # Another enterprise's QR code is unknown here too: its token lives in its schema.
        return render(request, "facilities/point_invalid.html", status=404)
    if not request.user.is_authenticated:
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:quick_login')}?{query}")
    panels = point_panels()
    allowed = [panel for panel in panels if panel.allows(request.user)]
    if not allowed:
        return _forbidden(request)
    area, equipment = found
    if request.method == "GET":
        for panel in panels:
            response = panel.respond(request, area, equipment)
            if response is not None:
                return response
        panes = _panes(request, allowed, area, equipment)
        return _page(request, area, equipment, allowed, panes)

    owner = posted_panel(request)
    try:
        posted = owner.post(request, area, equipment) if owner is not None else None
    except PermissionDenied:
        return _forbidden(request)
    if posted is None:
        return redirect(request.path)  # nothing applies here (any more)
    if isinstance(posted, HttpResponse):
        return posted
    panes = _panes(request, allowed, area, equipment, posted=posted)
    return _page(request, area, equipment, allowed, panes, mode=owner.mode, status=posted.status)


def _panes(
    request: HttpRequest,
    allowed: list[PointPanel],
    area: Area,
    equipment: Equipment | None,
    *,
    posted: Pane | None = None,
) -> list[Pane]:
    panes = []
    for panel in allowed:
        if posted is not None and panel is posted.panel:
            pane = posted
        else:
            pane = panel.pane(request, area, equipment)
        if pane is not None:
            panes.append(pane)
    return panes


def _page(
    request: HttpRequest,
    area: Area,
    equipment: Equipment | None,
    allowed: list[PointPanel],
    panes: list[Pane],
    *,
    mode: str = "",
    status: int = 200,
) -> HttpResponse:
    mode = page_mode(panes, asked=mode or request.GET.get("mode", ""))
    front = next((pane.panel for pane in panes if pane.mode == mode), allowed[0])
    switch = len(panes) > 1
    styles, scripts = list(PAGE_STYLES), list(PAGE_SCRIPTS)
    if switch:
        scripts.append(SWITCH_SCRIPT)
    for pane in panes:
        styles += [href for href in pane.panel.styles if href not in styles]
        scripts += [src for src in pane.panel.scripts if src not in scripts]
    warnings = [w for panel in point_panels() for w in panel.warnings(area, equipment)]
    return render(
        request,
        "facilities/point.html",
        {
            "warnings": warnings,
            "area": area,
            "equipment": equipment,
            "panes": panes,
            "mode": mode,
            "title": front.title,
            "both_modes": switch,
            "styles": styles,
            "scripts": scripts,
        },
        status=status,
    )


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "facilities/point_forbidden.html", status=403)
