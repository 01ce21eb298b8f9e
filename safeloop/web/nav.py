"""The workspace navigation: a registry every app plugs into, as ``wagtail.admin`` takes hooks.

The shell imports no app and keeps no list of them: each app registers its own
entries once, from its ``AppConfig.ready()``::

    from safeloop.web.nav import register_nav

    register_nav("hazards", _("Hazards"), "hazards:board", perm=HazardPerm.HAZARD_REPORT, order=10)

The shell (``base.html``) lists the entries the current user may see through
the ``{% nav_entries %}`` tag in ``web/templatetags/safeloop_shell.py``.
Home is first (order 0); the daily work (hazards, inspections, learning...)
goes in 10-70; the set-up pages of facilities come last (80+).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from safeloop.access import Permission, can


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str | Promise
    url_name: str
    perm: Permission | None = None
    order: int = 100
    # Who sees it: the enterprise's people (default) or outsiders signed in as their
    # person (contractors' workers, crew leads); never both, so an outsider's menu holds
    # nothing of the workspace.
    outsiders: bool = False


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
    *,
    outsiders: bool = False,
) -> NavEntry:
    """Add (or replace) the entry ``key``; ``perm`` hides it from users without it;
    ``outsiders`` makes it an entry of outsiders' menu instead of the workspace's."""
    entry = NavEntry(
        key=key, label=label, url_name=url_name, perm=perm, order=order, outsiders=outsiders
    )
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
    person = getattr(user, "person", None)
    outsider = bool(person is not None and person.is_outsider)
    visible: list[tuple[NavEntry, str]] = []
    for entry in registered_entries():
        if entry.outsiders != outsider:
            continue
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
