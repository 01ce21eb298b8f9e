"""The ``[hazards]`` section of industry templates: categories, library, routing, grades."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from safeloop.platform import industry
from safeloop.platform.gb6441 import Edition, chinese_name, edition_in_force, to_edition
from safeloop.platform.industry import TemplateError, section
from safeloop.tenants.facilities.models import EquipmentType, JobRole
from safeloop.tenants.hazards.acceptance import DEFAULT_PATHS
from safeloop.tenants.hazards.models import (
    PICTURE_DIR,
    Grade,
    GradePolicy,
    HazardCategory,
    LibraryEntry,
    RoutingRule,
)

# Which library entries have a picture, per template: apart from the template files,
# which grow while these codes stay (see the file's header).
PICTURES_FILE = Path(industry.__file__).resolve().parent / "pictures.toml"
# A drawing's name is a file name under PICTURE_DIR, nothing that could leave it.
_PICTURE_NAME = re.compile(r"[a-z0-9][a-z0-9-]{0,38}")

# Defaults every enterprise starts with; each is editable afterwards. The
# acceptance paths are the acceptance rule's (hazards/acceptance.py).
DEFAULT_GRADE_POLICIES = [
    {
        "grade": Grade.GENERAL,
        "deadline_hours": 72,
        "notify_roles": [],
        "acceptance_levels": list(DEFAULT_PATHS[Grade.GENERAL]),
    },
    {
        "grade": Grade.SERIOUS,
        "deadline_hours": 48,
        "notify_roles": ["safety_officer"],
        "acceptance_levels": list(DEFAULT_PATHS[Grade.SERIOUS]),
    },
    # Seed 004: a major hazard reaches the workshop director and the safety
    # manager at once.
    {
        "grade": Grade.MAJOR,
        "deadline_hours": 24,
        "notify_roles": ["workshop_director", "safety_manager"],
        "acceptance_levels": list(DEFAULT_PATHS[Grade.MAJOR]),
    },
]


def _accident_type(row: dict, edition: Edition) -> str:
    """The entry's accident type as ``edition``'s Chinese name. Templates may name it
    in either edition (1986 names are mapped) or by code; anything else is refused."""
    raw = (row.get("accident_type") or "").strip()
    if not raw:
        return ""
    code = to_edition(raw, edition)
    if code is None:
        raise TemplateError(
            f"hazards: library entry {row.get('code')!r}: {raw!r} is not an accident type "
            "of GB 6441 (1986 or 2025)"
        )
    return chinese_name(edition, code)


@cache
def _picture_table() -> dict[str, dict[str, str]]:
    try:
        return tomllib.loads(PICTURES_FILE.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{PICTURES_FILE.name}: {exc}") from exc


def library_pictures(template_key: str, codes: Iterable[str]) -> dict[str, str]:
    """The picture of each entry of a template's library that has one, by code.

    Refuses a code the library does not have (a renamed entry would silently lose
    its picture) and a drawing that is not in PICTURE_DIR.
    """
    mapping = _drawings_of(template_key)
    unknown = sorted(set(mapping) - set(codes))
    if unknown:
        raise TemplateError(
            f"hazards: {PICTURES_FILE.name} [{template_key}] names entry code(s) "
            f"the library lacks: {unknown}"
        )
    return mapping


def _drawings_of(template_key: str) -> dict[str, str]:
    mapping = _picture_table().get(template_key, {})
    missing = sorted(
        {
            name
            for name in mapping.values()
            if not (_PICTURE_NAME.fullmatch(name) and (PICTURE_DIR / f"{name}.svg").is_file())
        }
    )
    if missing:
        raise TemplateError(
            f"hazards: {PICTURES_FILE.name} [{template_key}] names drawing(s) "
            f"not in {PICTURE_DIR}: {missing}"
        )
    return dict(mapping)


def fill_library_pictures(enterprise: Any) -> int:
    """Give an enterprise provisioned before its template had pictures the template's
    pictures; call inside its schema. Only entries without a picture get one, so an
    enterprise's own choice stays; entries it removed are no error. Returns how many."""
    filled = 0
    for code, name in _drawings_of(enterprise.industry).items():
        filled += LibraryEntry.objects.filter(code=code, picture="").update(picture=name)
    return filled


@section("hazards", order=20)
def apply_hazards(enterprise: Any, data: dict[str, Any]) -> None:
    edition = edition_in_force()
    accident_types = {
        row.get("code"): _accident_type(row, edition) for row in data.get("library", [])
    }
    for row in data.get("library", []):
        # 重大 is reserved for the items a 重大事故隐患判定标准 names: such an entry cites it.
        if row.get("grade") == Grade.MAJOR and not (row.get("basis") or "").strip():
            raise TemplateError(
                f"hazards: library entry {row['code']!r} is major but cites no basis"
            )
    # Only the name is stored: the drawings are shared static files, nothing to copy.
    pictures = library_pictures(
        enterprise.industry, (row["code"] for row in data.get("library", []))
    )
    GradePolicy.objects.bulk_create(GradePolicy(**row) for row in DEFAULT_GRADE_POLICIES)
    categories = {
        c.code: c
        for c in HazardCategory.objects.bulk_create(
            HazardCategory(code=row["code"], name=row["name"], name_en=row.get("name_en", ""))
            for row in data.get("categories", [])
        )
    }
    types = {t.code: t for t in EquipmentType.objects.all()}
    roles = {r.code: r for r in JobRole.objects.all()}

    def lookup(table: dict, code: str | None, what: str):
        if not code:
            return None
        try:
            return table[code]
        except KeyError:
            raise TemplateError(f"hazards: unknown {what} {code!r}") from None

    LibraryEntry.objects.bulk_create(
        LibraryEntry(
            code=row["code"],
            title=row["title"],
            title_en=row.get("title_en", ""),
            category=lookup(categories, row["category"], "category"),
            grade=row.get("grade", Grade.GENERAL),
            equipment_type=lookup(types, row.get("equipment_type"), "equipment type"),
            accident_type=accident_types[row["code"]],
            accident_edition=edition,
            violator_job_role=lookup(roles, row.get("violator_job_role"), "job role"),
            rectification_hint=row.get("rectification_hint", ""),
            rectification_hint_en=row.get("rectification_hint_en", ""),
            basis=row.get("basis", ""),
            picture=pictures.get(row["code"], ""),
        )
        for row in data.get("library", [])
    )
    RoutingRule.objects.bulk_create(
        RoutingRule(
            priority=200,  # template rules are the fallbacks; the enterprise's own go first
            category=lookup(categories, row.get("category"), "category"),
            assignee_job_role=lookup(roles, row.get("assignee_job_role"), "job role"),
        )
        for row in data.get("routing", [])
    )
