from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

DATA_DIR = Path(__file__).resolve().parent / "data"


class TemplateError(Exception):
    """A template file is malformed or names something that does not exist."""


@dataclass(frozen=True)
class IndustryTemplate:
    key: str
    version: int
    names: dict[str, str]
    descriptions: dict[str, str]
    sections: dict[str, Any] = field(repr=False)

    @property
    def name(self) -> str:
        return _pick(self.names)

    @property
    def description(self) -> str:
        return _pick(self.descriptions)


def _pick(texts: dict[str, str]) -> str:
    language = get_language() or "zh-hans"
    return texts.get(language) or texts.get("zh-hans") or next(iter(texts.values()), "")


@dataclass(frozen=True)
class _Section:
    name: str
    order: int
    apply: Callable[[Any, Any], None]


_SECTIONS: dict[str, _Section] = {}


def section(name: str, *, order: int = 100) -> Callable:
    """Register ``func(enterprise, data)`` to apply the template section ``name``.

    Sections run in ``order`` inside the new tenant's schema; a later section
    may rely on the rows of an earlier one (risks on areas, say).
    """

    def register(func: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
        _SECTIONS[name] = _Section(name, order, func)
        return func

    return register


@cache
def _load_all() -> dict[str, IndustryTemplate]:
    templates = {}
    for path in sorted(DATA_DIR.glob("*.toml")):
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise TemplateError(f"{path.name}: {exc}") from exc
        key = raw.pop("key", None)
        if key != path.stem:
            raise TemplateError(f"{path.name}: key must be {path.stem!r}, got {key!r}")
        try:
            version = int(raw.pop("version"))
            names = dict(raw.pop("name"))
            descriptions = dict(raw.pop("description", {}))
        except (KeyError, TypeError, ValueError) as exc:
            raise TemplateError(f"{path.name}: missing or bad header field {exc}") from exc
        templates[key] = IndustryTemplate(key, version, names, descriptions, raw)
    return templates


def list_templates() -> list[IndustryTemplate]:
    return list(_load_all().values())


def get_template(key: str) -> IndustryTemplate:
    try:
        return _load_all()[key]
    except KeyError:
        raise TemplateError(f"unknown industry template {key!r}") from None


def apply_template(enterprise: Any, template: IndustryTemplate) -> None:
    """Apply every registered section the template has. Call inside the tenant's schema."""
    unknown = set(template.sections) - set(_SECTIONS)
    if unknown:
        raise TemplateError(f"{template.key}: no handler for section(s) {sorted(unknown)}")
    for sec in sorted(_SECTIONS.values(), key=lambda s: s.order):
        if sec.name in template.sections:
            sec.apply(enterprise, template.sections[sec.name])
