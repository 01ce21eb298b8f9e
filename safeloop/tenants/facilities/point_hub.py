"""The QR point page (/q/<token>/) and the panels apps contribute to it.

A QR label belongs to a place (an area or a machine), and the page it opens is
the place's: its header, and one panel per thing a person can do there. Apps
register a panel in their ``AppConfig.ready`` (hazards: report a hazard;
inspections: the checklist; later a course at a station, a device's live
status, a contractor gate), the way they register navigation entries. The page
(``views_point.point``) asks each panel the user may use for its pane and shows
one pane at a time, with a switch between them when there are several.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import get_template

from safeloop.access import Permission, can
from safeloop.tenants.facilities.models import Area, Equipment


class PointPanel(ABC):
    """One thing a person can do at a QR point. Subclasses set the attributes and
    build their pane; the page owns the URL, the header and the switch."""

    # The ``?mode=`` name, and the ids of the pane and its tab.
    mode: str = ""
    # Place on the page and in the switch, lowest first.
    order: int = 100
    # Who sees the panel (a user with none of the panels' permissions is refused).
    permission: Permission
    # The tab's label and the page title while the pane is in front.
    title: str = ""
    icon: str = ""
    # The pane's body; it reads ``pane.data``.
    template: str = ""
    styles: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()
    # The ``form`` value of this panel's POSTs ("" for the form without one).
    form_name: str = ""
    # The test id of the tab's "due now" badge.
    due_testid: str = ""

    def allows(self, user) -> bool:
        return can(user, self.permission)

    @abstractmethod
    def pane(self, request: HttpRequest, area: Area, equipment: Equipment | None) -> Pane | None:
        """What the panel shows here for this user; None when nothing applies."""

    def respond(
        self, request: HttpRequest, area: Area, equipment: Equipment | None
    ) -> HttpResponse | None:
        """A GET this panel answers with a page of its own (a confirmation), else None."""
        return None

    def warnings(self, area: Area, equipment: Equipment | None) -> list[PointWarning]:
        """What everyone who opens this place's page must see first (a stop-work order),
        whatever panel they may use."""
        return []

    def post(
        self, request: HttpRequest, area: Area, equipment: Equipment | None
    ) -> HttpResponse | Pane | None:
        """Handle this panel's POST: a response (a redirect), the pane again with its
        errors, or None when nothing applies here (any more). May raise PermissionDenied."""
        return None


@dataclass(frozen=True)
class PointWarning:
    """A red banner at the top of the place's page: what is forbidden here, and why."""

    title: str
    text: str
    detail: str = ""
    link: str = ""
    testid: str = "point-warning"


@dataclass
class Pane:
    """A panel's pane on one page: what its template shows."""

    panel: PointPanel
    data: Any
    # Put this pane in front unless the person asked for another (an inspection due here now).
    due: bool = False
    status: int = 200

    @property
    def mode(self) -> str:
        return self.panel.mode


_panels: dict[str, PointPanel] = {}


def register_panel(panel: PointPanel) -> None:
    """Add a panel to every QR point page (again under the same mode replaces it)."""
    _panels[panel.mode] = panel


def point_panels() -> list[PointPanel]:
    """Every registered panel, in page order."""
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.mode))


def posted_panel(request: HttpRequest) -> PointPanel | None:
    """The panel whose form was posted; a POST naming no known form is the default one's."""
    by_name = {panel.form_name: panel for panel in point_panels()}
    return by_name.get(request.POST.get("form", "")) or by_name.get("")


def page_mode(panes: list[Pane], asked: str = "") -> str:
    """Which pane is on screen: the one asked for (the switch, a re-shown form) when
    this person has it, else the first one due here now, else the first one."""
    modes = [pane.mode for pane in panes]
    if asked in modes:
        return asked
    for pane in panes:
        if pane.due:
            return pane.mode
    return modes[0] if modes else ""


def template_digest(name: str) -> str:
    """A short digest of a template's source, for the keys of its cached renderings
    (the template loader keeps the source, so this is a lookup on most calls)."""
    return _digest(get_template(name).template.source)


@lru_cache(maxsize=32)
def _digest(source: str) -> str:
    return hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()[:12]
