"""Panels other apps add to the workspace home (/w/), the way they add navigation
entries and QR point panels: the daily KPI table, the hazard and risk counts, the charts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HomePanel:
    """A panel another app adds to the home page (the daily KPI table), the way apps
    add navigation entries: its template, and the context it needs for this user, or
    None when it is not for them."""

    key: str
    template: str
    context: Callable[[object], dict | None]
    order: int = 100


_panels: dict[str, HomePanel] = {}


def register_home_panel(panel: HomePanel) -> None:
    _panels[panel.key] = panel


def home_panels(user) -> list[tuple[HomePanel, dict]]:
    shown = []
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        context = panel.context(user)
        if context is not None:
            shown.append((panel, context))
    return shown
