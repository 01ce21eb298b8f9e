"""The workspace home (/w/), and the two doors of reporting from it: scan, or pick the place.

Floor staff (operators, team leaders, maintenance) get big entries and what is
due today; people who set the workspace up also get its counts and quick links;
overseers get the hazard board and inspection completion, and the dashboard panels
reports adds (safeloop/tenants/reports/dashboard.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safeloop.access import can, permission
from safeloop.tenants.facilities.home_hub import home_panels
from safeloop.tenants.facilities.models import Area, AreaKind
from safeloop.tenants.facilities.permissions import FacilityPerm
from safeloop.tenants.facilities.qr import point_path
from safeloop.tenants.facilities.services import summary
from safeloop.tenants.facilities.today import due_for
from safeloop.web.guards import guarded


@dataclass(frozen=True)
class Entry:
    key: str
    label: str
    hint: str
    url: str


def _entries(user) -> list[Entry]:
    entries = []
    can_report = can(user, permission("hazards.report"))
    can_inspect = can(user, permission("inspections.do"))
    if can_report or can_inspect:
        entries.append(
            Entry("scan", _("Scan"), _("the QR code at the place"), reverse("workspace:scan"))
        )
    if can_report:
        entries.append(
            Entry(
                "report",
                _("Report a hazard"),
                _("pick the place, 3 photos"),
                reverse("workspace:report"),
            )
        )
    if can_inspect:
        entries.append(
            Entry(
                "inspections",
                _("My inspections"),
                _("today's checks"),
                reverse("inspections:today"),
            )
        )
    if can_report:
        entries.append(
            Entry("hazards", _("My hazards"), _("reported, to fix"), reverse("hazards:board"))
        )
    return entries


@guarded()
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    manages = {
        "can_manage_areas": can(user, FacilityPerm.MANAGE_AREAS),
        "can_manage_equipment": can(user, FacilityPerm.MANAGE_EQUIPMENT),
        "can_manage_people": can(user, FacilityPerm.MANAGE_PEOPLE),
    }
    oversees_hazards = can(user, permission("hazards.view_all")) or can(
        user, permission("hazards.view_workshop")
    )
    oversees_inspections = can(user, permission("inspections.view_all")) or can(
        user, permission("inspections.view_workshop")
    )
    return render(
        request,
        "facilities/home.html",
        {
            "entries": _entries(user),
            "panels": home_panels(user),
            "due": due_for(user),
            # The counts are for whoever sets the workspace up, not for the floor.
            "summary": summary() if any(manages.values()) else None,
            "can_view_people": can(user, FacilityPerm.VIEW_PEOPLE),
            "oversees_hazards": oversees_hazards,
            "oversees_inspections": oversees_inspections,
            **manages,
        },
    )


@guarded()
def scan(request: HttpRequest) -> HttpResponse:
    """Scanning is the phone camera's job; this page explains it and, where the browser
    can read QR codes itself (BarcodeDetector), reads one and opens the point."""
    return render(request, "facilities/scan.html", {"report_url": reverse("workspace:report")})


@guarded(permission("hazards.report"))
def report(request: HttpRequest) -> HttpResponse:
    """Report without a label at hand: pick the place, then it is the point's report page."""
    areas = list(Area.objects.select_related("parent").order_by("code"))
    person = getattr(request.user, "person", None)
    mine = _workshop_id(person.area) if person is not None and person.area else None
    groups: dict[int | None, dict] = {}
    for area in areas:
        if area.kind == AreaKind.SITE:
            continue
        workshop = area if area.kind == AreaKind.WORKSHOP else area.parent
        group = groups.setdefault(
            workshop.pk if workshop else None, {"workshop": workshop, "places": []}
        )
        group["places"].append({"area": area, "url": point_path(area.qr_token)})
    ordered = sorted(
        groups.values(),
        key=lambda g: (
            g["workshop"] is None or g["workshop"].pk != mine,
            g["workshop"].code if g["workshop"] else "",
        ),
    )
    return render(request, "facilities/report.html", {"groups": ordered, "my_workshop": mine})


def _workshop_id(area: Area) -> int | None:
    while area is not None and area.kind != AreaKind.WORKSHOP:
        area = area.parent
    return area.pk if area is not None else None
