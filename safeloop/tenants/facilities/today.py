"""What is due today on the workspace home: a registry the apps plug into.

Like the navigation (``nav.py``), each app registers once from its
``AppConfig.ready()`` a function that lists one user's due work::

    register_due("hazards_to_fix", _("Hazards to fix"), hazards_to_fix, order=20)

The home page shows the sections in ``order``; a provider returns ``[]`` for a
user it has nothing for (or who may not do that kind of work).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.functional import Promise


@dataclass(frozen=True)
class DueItem:
    """One thing to do: what, where to do it, and by when."""

    title: str
    url: str
    detail: str = ""
    due: datetime | None = None
    key: str = ""

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.now()


@dataclass(frozen=True)
class DueSection:
    key: str
    label: str
    items: list[DueItem]


@dataclass(frozen=True)
class _Provider:
    key: str
    label: str | Promise
    items: Callable[[object], list[DueItem]]
    order: int


_registry: dict[str, _Provider] = {}


def register_due(
    key: str, label: str | Promise, items: Callable[[object], list[DueItem]], order: int = 100
) -> None:
    """Add (or replace) the section ``key``; ``items(user)`` lists its due work."""
    _registry[key] = _Provider(key, label, items, order)


def due_for(user) -> list[DueSection]:
    """The user's sections that have something in them, most pressing kind first."""
    sections = []
    for provider in sorted(_registry.values(), key=lambda p: (p.order, p.key)):
        items = provider.items(user)
        if items:
            sections.append(DueSection(provider.key, str(provider.label), items))
    return sections
