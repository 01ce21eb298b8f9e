"""The hazard library (隐患库) of each industry template reads like a consultant wrote it.

Every template starts with a first delivery of about a hundred findings, each
within the categories, equipment types and job roles its template defines and
with a GB 6441 accident type the risk register knows; every entry is written
one way (units with a space, the terms the issue fixes); the quarry template
carries nothing from a coal mine. Which entries are 重大 is test_clause_check's:
here it is the wording.
"""

from __future__ import annotations

import re

import pytest

from safeloop.platform.gb6441 import Edition, to_edition
from safeloop.platform.industry import get_template

INDUSTRIES = ["metal", "food", "chemical", "mining"]
# A number glued to its unit ("5km/h", "1m", "25℃") instead of "5 km/h", "1 m", "25 ℃".
GLUED_UNIT = re.compile(r"\d(?:km/h|m/s|mm|m|℃|h|s|kV|V|%LEL)(?![A-Za-z])")
# Colloquial or wrong terms, and the one the library uses instead.
WORDING = {
    "无票": "未办理安全作业票",
    "无动火证": "未办理安全作业票",
    "回火阻止器": "回火防止器",
}
COAL_MINE = ("瓦斯", "煤尘", "透水", "老空水", "冒顶", "片帮", "储煤")


def _library(industry: str) -> list[dict]:
    return get_template(industry).sections["hazards"]["library"]


def _text(row: dict) -> str:
    return " ".join(str(value) for value in row.values())


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_library_is_a_first_delivery(industry):
    library = _library(industry)
    codes = [row["code"] for row in library]
    titles = [row["title"] for row in library]
    assert 95 <= len(library) <= 110
    assert len(set(codes)) == len(codes) and len(set(titles)) == len(titles)
    # A finding a consultant would defend cites its standard more often than not.
    assert sum(bool(row.get("basis")) for row in library) >= len(library) * 2 // 3


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_entry_uses_what_its_template_defines(industry):
    sections = get_template(industry).sections
    categories = {row["code"] for row in sections["hazards"]["categories"]}
    types = {row["code"] for row in sections["facilities"].get("equipment_types", [])}
    roles = {row["code"] for row in sections["facilities"].get("job_roles", [])}
    wrong = []
    for row in _library(industry):
        if row["category"] not in categories:
            wrong.append(f"{row['code']}: category {row['category']}")
        if row.get("equipment_type") and row["equipment_type"] not in types:
            wrong.append(f"{row['code']}: equipment type {row['equipment_type']}")
        if row.get("violator_job_role") and row["violator_job_role"] not in roles:
            wrong.append(f"{row['code']}: job role {row['violator_job_role']}")
        if to_edition(row.get("accident_type") or "", Edition.GB_6441_2025) is None:
            wrong.append(f"{row['code']}: accident type {row.get('accident_type')!r}")
        if not (row.get("title_en") and row.get("rectification_hint")):
            wrong.append(f"{row['code']}: no English title or no hint")
    assert wrong == []


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_entry_writes_units_and_terms_one_way(industry):
    wrong = []
    for row in _library(industry):
        text = _text(row)
        wrong += [f"{row['code']}: {m.group(0)}" for m in GLUED_UNIT.finditer(text)]
        wrong += [f"{row['code']}: {bad} → {good}" for bad, good in WORDING.items() if bad in text]
        if "空气呼吸器" in text and "正压式空气呼吸器" not in text:
            wrong.append(f"{row['code']}: 正压式空气呼吸器")
    assert wrong == []


def test_the_quarry_library_has_no_coal_mine_hazards():
    found = [
        f"{row['code']} {word}"
        for row in _library("mining")
        for word in COAL_MINE
        if word in _text(row)
    ]
    assert found == []
