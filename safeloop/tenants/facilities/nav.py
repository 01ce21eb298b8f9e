"""The workspace navigation: a registry later features plug into.

Each area of the product registers its entries once, usually from its
``AppConfig.ready()``::

    from safeloop.tenants.facilities.nav import register_nav

    register_nav("hazards", _("Hazards"), "hazards:board", perm=HazardPerm.HAZARD_REPORT, order=10)

The shell (``base.html``) lists the entries the current user may see through
the ``{% nav_entries %}`` tag in ``facilities/templatetags/safeloop_shell.py``.
Home is first (order 0); the daily work (hazards, inspections, learning...)
goes in 10-70; the set-up pages of facilities come last (80+).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safeloop.access import Permission, can
from safeloop.tenants.facilities.permissions import FacilityPerm
from safeloop.tenants.hazards.permissions import HazardPerm


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str | Promise
    url_name: str
    perm: Permission | None = None
    order: int = 100


@dataclass(frozen=True)
class NavLink:
    """One entry as the shell draws it for one request."""

    key: str
    label: str
    url: str
    active: bool


_registry: dict[str, NavEntry] = {}


def register_nav(
    key: str,
    label: str | Promise,
    url_name: str,
    perm: Permission | None = None,
    order: int = 100,
) -> NavEntry:
    """Add (or replace) the entry ``key``; ``perm`` hides it from users without it."""
    entry = NavEntry(key=key, label=label, url_name=url_name, perm=perm, order=order)
    _registry[key] = entry
    return entry


def unregister_nav(key: str) -> None:
    _registry.pop(key, None)


def registered_entries() -> list[NavEntry]:
    return sorted(_registry.values(), key=lambda e: (e.order, e.key))


def nav_for(user, path: str) -> list[NavLink]:
    """The entries ``user`` may see, with the one matching ``path`` marked active.

    Entries whose URL is not routed on this host (the public site) are left out.
    The active entry is the one with the longest URL that prefixes ``path``, so
    the home page (``/w/``) is not active on every page below it.
    """
    if user is None or not user.is_authenticated:
        return []
    visible: list[tuple[NavEntry, str]] = []
    for entry in registered_entries():
        if entry.perm is not None and not can(user, entry.perm):
            continue
        try:
            visible.append((entry, reverse(entry.url_name)))
        except NoReverseMatch:
            continue
    matches = [url for _entry, url in visible if path.startswith(url)]
    active_url = max(matches, key=len) if matches else None
    return [
        NavLink(key=entry.key, label=str(entry.label), url=url, active=url == active_url)
        for entry, url in visible
    ]


register_nav("home", _("Home"), "workspace:home", order=0)
# Floor staff start from here: scan the label, or report without one.
register_nav("scan", _("Scan"), "workspace:scan", perm=HazardPerm.HAZARD_REPORT, order=1)
register_nav(
    "report", _("Report a hazard"), "workspace:report", perm=HazardPerm.HAZARD_REPORT, order=2
)
register_nav("areas", _("Areas"), "workspace:areas", perm=FacilityPerm.VIEW_FACILITIES, order=80)
register_nav(
    "equipment", _("Equipment"), "workspace:equipment", perm=FacilityPerm.VIEW_FACILITIES, order=81
)
register_nav("people", _("People"), "workspace:people", perm=FacilityPerm.VIEW_PEOPLE, order=82)
register_nav(
    "qr_labels", _("QR labels"), "workspace:qr_labels", perm=FacilityPerm.MANAGE_AREAS, order=83
)
