"""The 重大事故隐患判定标准 as versioned data: one TOML file per criteria set.

Each clause carries its number, its text, the industries it applies to and
keyword groups: a clause matches a report when every word of one group
appears in the report's text (:mod:`safeloop.tenants.hazards.clauses` does the
matching). Texts marked ``verified = false`` are faithful in substance but not
checked word for word against the published text.

The industry templates map to criteria sets in :data:`TEMPLATE_CRITERIA`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent

# Bump when a clause's text, keywords or coverage changes: a hazard keeps the
# version its clause was proposed under.
VERSION = "2026.3"

# Which criteria sets apply to each industry template, first the specific one.
TEMPLATE_CRITERIA: dict[str, tuple[str, ...]] = {
    "metal": ("gm2023",),
    "food": ("gm2023",),
    "chemical": ("hc2017",),
    "mining": ("kss2022",),
}


@dataclass(frozen=True)
class Clause:
    id: str  # "gm2023-12-1": stable, stored on a hazard
    criteria: str  # "gm2023"
    criteria_name: str
    criteria_ref: str  # 应急管理部令第10号
    number: str  # 第十二条第（一）项
    text: str
    industries: tuple[str, ...]
    keywords: tuple[tuple[str, ...], ...]
    entries: tuple[str, ...]  # library entry codes the clause covers
    verified: bool

    @property
    def citation(self) -> str:
        return f"{self.criteria_name}{self.number}"


@dataclass(frozen=True)
class Criteria:
    key: str
    name: str
    ref: str
    year: int
    clauses: tuple[Clause, ...]


@cache
def load_criteria(key: str) -> Criteria:
    with (DATA_DIR / f"{key}.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    meta = raw["criteria"]
    clauses = []
    seen: set[str] = set()
    for row in raw.get("clauses", []):
        if row["id"] in seen:
            raise ValueError(f"{key}: clause id {row['id']!r} twice")
        seen.add(row["id"])
        clauses.append(
            Clause(
                id=row["id"],
                criteria=key,
                criteria_name=meta["name"],
                criteria_ref=meta["ref"],
                number=row["number"],
                text=row["text"],
                industries=tuple(row.get("industries", ["*"])),
                keywords=tuple(tuple(group) for group in row.get("keywords", [])),
                entries=tuple(row.get("entries", [])),
                verified=row.get("verified", True),
            )
        )
    return Criteria(key, meta["name"], meta["ref"], meta["year"], tuple(clauses))


def clauses_for(industry: str) -> list[Clause]:
    """Every clause that applies to ``industry`` (a template key), in file order."""
    out = []
    for key in TEMPLATE_CRITERIA.get(industry, ()):
        for clause in load_criteria(key).clauses:
            if "*" in clause.industries or industry in clause.industries:
                out.append(clause)
    return out


def get_clause(clause_id: str) -> Clause | None:
    key = clause_id.split("-", 1)[0]
    if not (DATA_DIR / f"{key}.toml").is_file():
        return None
    return next((c for c in load_criteria(key).clauses if c.id == clause_id), None)
