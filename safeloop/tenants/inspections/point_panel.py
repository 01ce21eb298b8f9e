"""The checklist panel of the QR point page (/q/<token>/, facilities.views_point).

The page asks this panel for the checklist that applies here, for this user,
and hands it the checklist POSTs (``form=checklist``). Its pane is in front
when one of the person's inspection tasks covers this point now. Submitting
calls ``start_inspection`` with the signed opening time and then
``submit_inspection``, in one transaction, and redirects to the result page
(POST/redirect/GET).

Every scan renders the same items for a checklist version, so the empty form's
items are rendered once per version and language and then read from Django's
cache (keys are per tenant: settings' KEY_FUNCTION is django-tenants' make_key).
The key names the version and when it was last published, which revising the
checklist changes, so a changed checklist is never read from an old entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache as fragments
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from safeloop.access import can
from safeloop.tenants.facilities.models import Area, Equipment
from safeloop.tenants.facilities.point_hub import Pane, PointPanel, template_digest
from safeloop.tenants.inspections.forms import ChecklistForm, read_opened, sign_opened
from safeloop.tenants.inspections.models import (
    CheckItem,
    Checklist,
    ChecklistVersion,
    Inspection,
    Point,
    TaskPoint,
    TaskState,
)
from safeloop.tenants.inspections.permissions import InspectionPerm
from safeloop.tenants.inspections.selectors import point_history
from safeloop.tenants.inspections.services import (
    resolve_checklist,
    start_inspection,
    submit_inspection,
)

HISTORY_SHOWN = 10
# The point page's forms post to the same URL; the checklist one says so.
CHECKLIST_FORM = "checklist"
# The checklist's ``?mode=`` name on the point page.
INSPECT_MODE = "inspect"
ITEMS_TEMPLATE = "inspections/_checklist_items.html"
# Entries are exact (the key changes with the checklist); the time only bounds how
# long a deploy's new wording or markup waits behind an old entry.
ITEMS_CACHE_SECONDS = 3600


@dataclass
class ChecklistPanel:
    point: Point
    checklist: Checklist
    # Loaded only when the form needs them (a posted checklist, or items not cached yet).
    items: list[CheckItem]
    form: ChecklistForm
    task_point: TaskPoint | None
    history: list[Inspection] = field(default_factory=list)
    # The empty form's items, rendered (from the cache on most scans); None on a post.
    items_html: SafeString | None = None

    @property
    def has_errors(self) -> bool:
        return bool(self.form.errors)


def plain_number(value: Decimal | None) -> str:
    """A decimal as people write it: 6.5, 100, 0.25 (no trailing zeros, no exponent)."""
    if value is None:
        return ""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def is_checklist_post(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get("form") == CHECKLIST_FORM


def open_task_point(user, point: Point) -> TaskPoint | None:
    """The user's open task point at ``point`` whose window is now, if any."""
    person = getattr(user, "person", None)
    if person is None:
        return None
    now = timezone.now()
    return (
        TaskPoint.objects.filter(
            point=point,
            inspection__isnull=True,
            skipped_at__isnull=True,
            task__assignee=person,
            task__state=TaskState.OPEN,
            task__window_start__lte=now,
            task__window_end__gte=now,
        )
        .select_related("task", "checklist__current_version")
        .order_by("task__window_end", "order")
        .first()
    )


def checklist_panel(
    request: HttpRequest, area: Area, equipment: Equipment | None
) -> ChecklistPanel | None:
    """What the hub shows above the report form; None when nothing applies here."""
    if not can(request.user, InspectionPerm.INSPECTIONS_DO):
        return None
    point = Point.objects.for_target(equipment or area)
    # The view has the place already: binding lookups read it instead of a query each.
    if equipment is not None:
        point.equipment = equipment
    else:
        point.area = area
    task_point = open_task_point(request.user, point)
    checklist = task_point.checklist if task_point and task_point.checklist_id else None
    checklist = checklist or resolve_checklist(point)
    if checklist is None or not checklist.is_active or checklist.current_version_id is None:
        return None
    version = checklist.current_version
    posted = is_checklist_post(request)
    key = None if posted else _items_key(version)
    items_html = fragments.get(key) if key else None
    items = [] if items_html is not None else _items(version)
    form = ChecklistForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        items=items,
        initial={"started": sign_opened(version)},
    )
    if key and items_html is None:
        items_html = render_to_string(ITEMS_TEMPLATE, {"checklist_form": form})
        fragments.set(key, str(items_html), ITEMS_CACHE_SECONDS)
    history = list(point_history(request.user, point)[:HISTORY_SHOWN])
    return ChecklistPanel(
        point,
        checklist,
        items,
        form,
        task_point,
        history,
        # Our own rendering of our own template, from the cache.
        items_html=mark_safe(items_html) if items_html is not None else None,
    )


def _items(version: ChecklistVersion) -> list[CheckItem]:
    items = list(version.items.order_by("order"))
    for item in items:
        item.shown_min = plain_number(item.number_min)
        item.shown_max = plain_number(item.number_max)
    return items


def _items_key(version: ChecklistVersion) -> str:
    """Names what the rendered items depend on: the version's items (a new version,
    or the same one edited in place, which re-publishes it), the language and the
    template itself (a deploy may change it)."""
    published = version.published_at.timestamp() if version.published_at else 0
    return (
        f"inspections.hub.items:{version.pk}:{published:.6f}:"
        f"{get_language() or '-'}:{template_digest(ITEMS_TEMPLATE)}"
    )


def submit_checklist(request: HttpRequest, panel: ChecklistPanel) -> HttpResponse | None:
    """Submit the posted answers: a redirect to the result, or None with the errors in the form."""
    form = panel.form
    if not form.is_valid():
        return None
    version_id, opened = read_opened(form.cleaned_data["started"])
    if version_id is not None and version_id != panel.checklist.current_version_id:
        form.add_error(
            None, _("The checklist was changed while you were answering: check the items again.")
        )
        form.data = form.data.copy()
        form.data["started"] = sign_opened(panel.checklist.current_version)
        return None
    answers, photos = form.answers()
    data = form.cleaned_data
    try:
        with transaction.atomic():
            # Started and submitted together, so a refused submission leaves no draft behind.
            inspection = start_inspection(
                panel.point,
                by=request.user,
                checklist=panel.checklist,
                task_point=panel.task_point,
                at=opened,
            )
            inspection = submit_inspection(
                inspection,
                by=request.user,
                answers=answers,
                photos=photos,
                notes=form.notes(),
                latitude=data["latitude"],
                longitude=data["longitude"],
                gps_accuracy_m=data["gps_accuracy_m"],
                note=data["note"],
            )
    except ValidationError as exc:
        _apply_errors(form, exc)
        return None
    return redirect("inspections:result", inspection.pk)


def _apply_errors(form: ChecklistForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


class ChecklistPointPanel(PointPanel):
    """Inspect here: the checklist that applies at this point, and its recent history."""

    mode = INSPECT_MODE
    order = 20
    permission = InspectionPerm.INSPECTIONS_DO
    title = gettext_lazy("Inspection")
    icon = "✓"
    template = "inspections/_point_pane.html"
    styles = ("safeloop/inspections/inspect.css",)
    scripts = ("safeloop/inspections/inspect.js",)
    form_name = CHECKLIST_FORM
    due_testid = "inspection-due"

    def pane(self, request: HttpRequest, area: Area, equipment: Equipment | None) -> Pane | None:
        panel = checklist_panel(request, area, equipment)
        return self._pane(panel) if panel is not None else None

    def post(
        self, request: HttpRequest, area: Area, equipment: Equipment | None
    ) -> HttpResponse | Pane | None:
        panel = checklist_panel(request, area, equipment)
        if panel is None:
            return None
        sent = submit_checklist(request, panel)
        return sent if sent is not None else self._pane(panel)

    def _pane(self, panel: ChecklistPanel) -> Pane:
        return Pane(self, panel, due=panel.task_point is not None)
