"""The hazard report panel of the QR point page (/q/<token>/, facilities.views_point).

Posting the report calls report_hazard and redirects to the same URL with
``?done=<pk>`` (POST/redirect/GET), which this panel answers with its
confirmation page.

The hazard library is the longest part of the page and the same on every scan, so
its list is rendered once per library content, language and machine type and read
from Django's cache (tenant-aware keys: settings' KEY_FUNCTION is django-tenants'
make_key). One small query reads a digest of what the list shows; the key carries
it, so any change to the library (a page, the API, a template, another process)
makes a new key and an old entry is never shown.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from safeloop.access import can
from safeloop.tenants.facilities.models import Area, Equipment
from safeloop.tenants.facilities.point_hub import (
    Pane,
    PointPanel,
    PointWarning,
    template_digest,
)
from safeloop.tenants.hazards import major
from safeloop.tenants.hazards.forms_report import (
    ReportForm,
    library_sections,
    real_uploads,
    shift_for,
)
from safeloop.tenants.hazards.models import Hazard, HazardSettings, LibraryEntry, PhotoStage
from safeloop.tenants.hazards.permissions import HazardPerm
from safeloop.tenants.hazards.selectors import visible_hazards
from safeloop.tenants.hazards.services import MAX_REPORT_PHOTOS, report_hazard

# The hazards this browser session reported lately: the confirmation page shows
# only those (an anonymous report is not "visible" to its reporter afterwards).
RECENT_REPORTS_KEY = "hazards.recent_reports"
RECENT_REPORTS_KEPT = 20
# The three photos a report asks for ("3 photos + 1 pick"), each one optional.
PHOTO_SLOTS = (
    (1, pgettext_lazy("photo slot", "Site")),
    (2, pgettext_lazy("photo slot", "Nameplate")),
    (3, pgettext_lazy("photo slot", "Surroundings")),
)
LIBRARY_TEMPLATE = "hazards/_library.html"
# Entries are exact (the key changes with the library); the time only bounds how
# long a deploy's new wording waits behind an old entry.
LIBRARY_CACHE_SECONDS = 3600
# Everything of an entry the list shows or sorts by.
LIBRARY_SHOWN = [
    "pk",
    "code",
    "title",
    "title_en",
    "grade",
    "picture",
    "equipment_type_id",
    "category_id",
    "category__code",
    "category__name",
    "category__name_en",
]
# The report's ``?mode=`` name on the point page.
REPORT_MODE = "report"


def _is_xhr(request: HttpRequest) -> bool:
    return request.headers.get("X-Requested-With") == "XMLHttpRequest"


@dataclass
class ReportPane:
    """What the report pane shows: the form (empty or posted), the library, the photo slots."""

    form: ReportForm
    library_html: SafeString
    photo_errors: list[str]
    photos_lost: bool
    photo_slots: tuple = PHOTO_SLOTS
    max_photos: int = MAX_REPORT_PHOTOS

    @property
    def has_errors(self) -> bool:
        return bool(self.form.errors or self.photo_errors)


class ReportPanel(PointPanel):
    """Report a hazard here: 3 photos + 1 pick."""

    mode = REPORT_MODE
    order = 10
    permission = HazardPerm.HAZARD_REPORT
    title = _("Report a hazard")
    icon = "!"
    template = "hazards/_report_pane.html"

    def pane(self, request: HttpRequest, area: Area, equipment: Equipment | None) -> Pane:
        allow_anonymous = HazardSettings.current().anonymous_reporting
        form = ReportForm(initial={"shift": shift_for()}, allow_anonymous=allow_anonymous)
        return self._pane(form, equipment)

    def _pane(
        self,
        form: ReportForm,
        equipment: Equipment | None,
        *,
        photo_errors: list[str] = (),
        photos_lost: bool = False,
        status: int = 200,
    ) -> Pane:
        picked = form["library_entry"].value() if form.is_bound else None
        html = library_html(equipment, picked=str(picked or ""))
        return Pane(self, ReportPane(form, html, list(photo_errors), photos_lost), status=status)

    def warnings(self, area: Area, equipment: Equipment | None) -> list[PointWarning]:
        """A 重大 hazard's stop-work order in force here, for everyone who scans."""
        return [
            PointWarning(
                title=_("Work stopped here"),
                text=case.stop_scope,
                detail=_("Major hazard %(number)s at %(area)s, ordered %(when)s")
                % {
                    "number": case.hazard.number,
                    "area": case.hazard.area.display_name,
                    "when": date_format(localtime(case.stop_ordered_at), "SHORT_DATETIME_FORMAT"),
                },
                testid="point-stop-work",
            )
            for case in major.stops_here(area)
        ]

    def respond(
        self, request: HttpRequest, area: Area, equipment: Equipment | None
    ) -> HttpResponse | None:
        if request.method == "GET" and "done" in request.GET:
            return _done(request, request.GET["done"])
        return None

    def post(
        self, request: HttpRequest, area: Area, equipment: Equipment | None
    ) -> HttpResponse | Pane:
        if not can(request.user, HazardPerm.HAZARD_REPORT):
            raise PermissionDenied
        allow_anonymous = HazardSettings.current().anonymous_reporting
        form = ReportForm(request.POST, allow_anonymous=allow_anonymous)
        photos = real_uploads(request.FILES.getlist("photos"))
        photo_errors: list[str] = []
        if form.is_valid():
            data = form.cleaned_data
            try:
                hazard = report_hazard(
                    by=request.user,
                    area=area,
                    equipment=equipment,
                    library_entry=data["library_entry"],
                    description=data["description"],
                    photos=photos,
                    is_near_miss=data["is_near_miss"],
                    shift=data["shift"],
                    latitude=data["latitude"],
                    longitude=data["longitude"],
                    gps_accuracy_m=data["gps_accuracy_m"],
                    anonymous=data.get("anonymous", False),
                    client_key=data["client_key"],
                )
            except ValidationError as exc:
                photo_errors = _apply_errors(form, exc)
            else:
                _remember(request, hazard)
                return redirect(f"{request.path}?{urlencode({'done': hazard.pk})}")
        return self._pane(
            form,
            equipment,
            photo_errors=photo_errors,
            photos_lost=bool(photos),
            status=400 if _is_xhr(request) else 200,
        )


def _apply_errors(form: ReportForm, exc: ValidationError) -> list[str]:
    """Put a service's errors beside the fields they name; photo errors go to the photo slots."""
    photo_errors: list[str] = []
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return photo_errors
    for name, errors in exc.error_dict.items():
        if name == "photos":
            photo_errors += [message for error in errors for message in error.messages]
        else:
            form.add_error(name if name in form.fields else None, errors)
    return photo_errors


def library_html(equipment: Equipment | None, *, picked: str = "") -> SafeString:
    """The library list for a point (a machine's own entries first). A re-shown form
    keeps its pick, so that one is rendered for its request alone."""
    if picked:
        return _render_library(equipment, picked)
    kind = equipment.equipment_type if equipment is not None else None
    kind_name = hashlib.sha1(
        (kind.display_name if kind else "").encode(), usedforsecurity=False
    ).hexdigest()[:12]
    key = (
        f"hazards.library:{_library_digest()}:{kind.pk if kind else '-'}:{kind_name}:"
        f"{get_language() or '-'}:{template_digest(LIBRARY_TEMPLATE)}"
    )
    html = cache.get(key)
    if html is None:
        html = str(_render_library(equipment, ""))
        cache.set(key, html, LIBRARY_CACHE_SECONDS)
    return mark_safe(html)  # our own rendering of our own template


def _render_library(equipment: Equipment | None, picked: str) -> SafeString:
    return render_to_string(
        LIBRARY_TEMPLATE, {"sections": library_sections(equipment), "picked": picked}
    )


def _library_digest() -> str:
    """A digest of every active entry as the list shows it (a few dozen short rows)."""
    rows = LibraryEntry.objects.filter(is_active=True).order_by("pk").values_list(*LIBRARY_SHOWN)
    return hashlib.sha1(repr(list(rows)).encode(), usedforsecurity=False).hexdigest()


def _remember(request: HttpRequest, hazard: Hazard) -> None:
    recent = [pk for pk in request.session.get(RECENT_REPORTS_KEY, []) if pk != hazard.pk]
    request.session[RECENT_REPORTS_KEY] = [hazard.pk, *recent][:RECENT_REPORTS_KEPT]


def _done(request: HttpRequest, raw_pk: str) -> HttpResponse:
    try:
        pk = int(raw_pk)
    except ValueError:
        pk = None
    if pk is None or pk not in request.session.get(RECENT_REPORTS_KEY, []):
        return redirect(request.path)
    hazard = (
        Hazard.objects.select_related("assignee__user", "assignee__job_role", "area", "equipment")
        .filter(pk=pk)
        .first()
    )
    if hazard is None:
        return redirect(request.path)
    can_open = visible_hazards(request.user).filter(pk=hazard.pk).exists()
    return render(
        request,
        "hazards/report_done.html",
        {
            "hazard": hazard,
            "can_open": can_open,
            "photos": list(hazard.photos.filter(stage=PhotoStage.REPORT)) if can_open else [],
            "again_url": request.path,
        },
    )
