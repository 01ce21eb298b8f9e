"""GB 6441 accident types (事故类别) by edition, and which edition a new record uses.

Two editions are in use side by side: records written before GB 6441-2025 took
effect keep the 1986 types they were written in (a register is evidence; its
history is not rewritten), new ones use the edition in force on the day they
are written. ``edition_in_force`` is that rule, the only place it lives.

What was checked of the 2025 text (December 2026, from public pages; the
standard's own Chinese text was not reachable):

* Title GB 6441-2025《生产安全事故分类与编码》, issued 2025-12-31, replaces
  GB/T 6441-1986《企业职工伤亡事故分类》, mandatory (GB, no longer GB/T).
  aq1024.com/post/272.html, renrendoc.com and the tikuw.cn slides give the
  effective date 2026-07-01. codeofchina.com's draft English translation gives
  "Implementation date: 2027-01-01" on a cover that also names an issuer that
  no longer exists (AQSIQ), so its cover looks templated; we follow 2026-07-01.
  The translation confirms the structure: clause 4 "Accident Classification",
  clause 5 "Accident Type Coding". Its clause 4/5 text was not readable.
* The list: m.educity.cn/aq/5452359.html lists 27 types in the order below and
  calls the circulating "29 types" a misreading; aqrzj.com's comparison report
  agrees on 27 (12 added, 7 deleted, 车辆伤害 and 中毒和窒息 split, 3 renamed),
  which adds up: 11 kept or renamed + 4 from the splits + 12 new = 27. Pages
  that say 29 (a douyin post, a boteman.cn deck) split 起重伤害 into 起重设备致害 /
  起重物致害 and add 淹没; they are slide-deck summaries and disagree with each
  other on the rest. We hold 27.

Still uncertain, to re-check against the published text:

* the standard's own type codes (clause 5): ``number`` below is the position
  in the list, not a verified code;
* exact wording: 可燃液体蒸汽爆炸 (educity) vs 蒸气 (elsewhere, and the usual
  term), 其他可燃固体爆炸 vs 可燃固体爆炸; both spellings are accepted as input;
* whether 起重致害 is split (the 29-type reading);
* the 1986 → 2025 mapping is ours, not the standard's (it gives none): see
  ``FORWARD``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Edition(models.TextChoices):
    """An edition of GB 6441; the label is how it is cited on cards and exports."""

    GB_6441_1986 = "1986", "GB/T 6441-1986"
    GB_6441_2025 = "2025", "GB 6441-2025"


class Accident1986(models.TextChoices):
    """The 20 accident categories of GB/T 6441-1986 (企业职工伤亡事故分类), in its order."""

    STRUCK_BY_OBJECT = "struck_by_object", _("Struck by object")
    VEHICLE = "vehicle", _("Vehicle injury")
    MACHINERY = "machinery", _("Mechanical injury")
    LIFTING = "lifting", _("Lifting injury")
    ELECTRIC_SHOCK = "electric_shock", _("Electric shock")
    DROWNING = "drowning", _("Drowning")
    BURN = "burn", _("Burns and scalds")
    FIRE = "fire", _("Fire")
    FALL_FROM_HEIGHT = "fall_from_height", _("Fall from height")
    COLLAPSE = "collapse", _("Collapse")
    ROOF_FALL = "roof_fall", _("Roof and rib fall")
    WATER_INRUSH = "water_inrush", _("Water inrush")
    BLASTING = "blasting", _("Blasting")
    EXPLOSIVE = "explosive", _("Explosive (gunpowder) explosion")
    GAS_EXPLOSION = "gas_explosion", _("Firedamp (gas) explosion")
    BOILER_EXPLOSION = "boiler_explosion", _("Boiler explosion")
    VESSEL_EXPLOSION = "vessel_explosion", _("Pressure vessel explosion")
    OTHER_EXPLOSION = "other_explosion", _("Other explosion")
    POISONING = "poisoning", _("Poisoning and asphyxiation")
    OTHER = "other", _("Other injury")


class Accident2025(models.TextChoices):
    """The 27 accident types of GB 6441-2025 (生产安全事故分类与编码), in its order.

    A type that kept its meaning kept its 1986 code, so ``fire`` is fire in both.
    """

    STRUCK_BY_OBJECT = "struck_by_object", _("Struck by object")
    IN_PLANT_VEHICLE = "in_plant_vehicle", _("In-plant (site) vehicle injury")
    ROAD_VEHICLE = "road_vehicle", _("Road (rail) vehicle injury")
    MACHINERY = "machinery", _("Machinery injury")
    LIFTING = "lifting", _("Lifting equipment injury")
    ELECTRIC_SHOCK = "electric_shock", _("Electric shock")
    DROWNING = "drowning", _("Drowning")
    BURN = "burn", _("Burns and scalds")
    FIRE = "fire", _("Fire")
    FALL_FROM_HEIGHT = "fall_from_height", _("Fall from height")
    TUMBLE = "tumble", _("Tumble (fall not from height)")
    COLLAPSE = "collapse", _("Collapse")
    WATER_HAZARD = "water_hazard", _("Water hazard")
    VESSEL_EXPLOSION = "vessel_explosion", _("Pressure vessel explosion")
    PIPELINE_EXPLOSION = "pipeline_explosion", _("Pipeline explosion")
    FLAMMABLE_GAS_EXPLOSION = "flammable_gas_explosion", _("Flammable gas explosion")
    FLAMMABLE_VAPOUR_EXPLOSION = (
        "flammable_vapour_explosion",
        _("Flammable liquid vapour explosion"),
    )
    DUST_EXPLOSION = "dust_explosion", _("Dust explosion")
    CIVIL_EXPLOSIVE_EXPLOSION = "civil_explosive_explosion", _("Civil explosives explosion")
    FIREWORKS_EXPLOSION = "fireworks_explosion", _("Fireworks explosion")
    COMBUSTIBLE_SOLID_EXPLOSION = (
        "combustible_solid_explosion",
        _("Other combustible solid explosion"),
    )
    MOLTEN_MATERIAL_EXPLOSION = "molten_material_explosion", _("Molten material explosion")
    POISONING = "poisoning", _("Poisoning")
    ASPHYXIATION = "asphyxiation", _("Asphyxiation")
    LANDSLIDE = "landslide", _("Landslide")
    LEAKAGE = "leakage", _("Leakage")
    OTHER = "other", _("Other accident")


# The standards' own Chinese names, as safety officers write them.
CHINESE_1986 = {
    Accident1986.STRUCK_BY_OBJECT: "物体打击",
    Accident1986.VEHICLE: "车辆伤害",
    Accident1986.MACHINERY: "机械伤害",
    Accident1986.LIFTING: "起重伤害",
    Accident1986.ELECTRIC_SHOCK: "触电",
    Accident1986.DROWNING: "淹溺",
    Accident1986.BURN: "灼烫",
    Accident1986.FIRE: "火灾",
    Accident1986.FALL_FROM_HEIGHT: "高处坠落",
    Accident1986.COLLAPSE: "坍塌",
    Accident1986.ROOF_FALL: "冒顶片帮",
    Accident1986.WATER_INRUSH: "透水",
    Accident1986.BLASTING: "放炮",
    Accident1986.EXPLOSIVE: "火药爆炸",
    Accident1986.GAS_EXPLOSION: "瓦斯爆炸",
    Accident1986.BOILER_EXPLOSION: "锅炉爆炸",
    Accident1986.VESSEL_EXPLOSION: "容器爆炸",
    Accident1986.OTHER_EXPLOSION: "其他爆炸",
    Accident1986.POISONING: "中毒和窒息",
    Accident1986.OTHER: "其他伤害",
}
CHINESE_2025 = {
    Accident2025.STRUCK_BY_OBJECT: "物体打击",
    Accident2025.IN_PLANT_VEHICLE: "厂（场）内车辆致害",
    Accident2025.ROAD_VEHICLE: "道路（轨道）车辆致害",
    Accident2025.MACHINERY: "机械致害",
    Accident2025.LIFTING: "起重致害",
    Accident2025.ELECTRIC_SHOCK: "触电",
    Accident2025.DROWNING: "淹溺",
    Accident2025.BURN: "灼烫",
    Accident2025.FIRE: "火灾",
    Accident2025.FALL_FROM_HEIGHT: "高处坠落",
    Accident2025.TUMBLE: "跌落",
    Accident2025.COLLAPSE: "坍塌",
    Accident2025.WATER_HAZARD: "水害",
    Accident2025.VESSEL_EXPLOSION: "容器爆炸",
    Accident2025.PIPELINE_EXPLOSION: "管道爆炸",
    Accident2025.FLAMMABLE_GAS_EXPLOSION: "可燃气体爆炸",
    Accident2025.FLAMMABLE_VAPOUR_EXPLOSION: "可燃液体蒸气爆炸",
    Accident2025.DUST_EXPLOSION: "粉尘爆炸",
    Accident2025.CIVIL_EXPLOSIVE_EXPLOSION: "民用爆炸物品爆炸",
    Accident2025.FIREWORKS_EXPLOSION: "烟花爆竹爆炸",
    Accident2025.COMBUSTIBLE_SOLID_EXPLOSION: "其他可燃固体爆炸",
    Accident2025.MOLTEN_MATERIAL_EXPLOSION: "高温熔融物爆炸",
    Accident2025.POISONING: "中毒",
    Accident2025.ASPHYXIATION: "窒息",
    Accident2025.LANDSLIDE: "滑坡",
    Accident2025.LEAKAGE: "泄漏",
    Accident2025.OTHER: "其他事故",
}
# Spellings seen in secondary sources for the same 2025 type (see the module note).
ALIASES_2025 = {
    "可燃液体蒸汽爆炸": Accident2025.FLAMMABLE_VAPOUR_EXPLOSION,
    "可燃固体爆炸": Accident2025.COMBUSTIBLE_SOLID_EXPLOSION,
    "厂内车辆致害": Accident2025.IN_PLANT_VEHICLE,
    "道路车辆致害": Accident2025.ROAD_VEHICLE,
}

# 1986 → 2025: each 1986 type to one 2025 type. The standard publishes no such
# table; where a 1986 type was split or dropped we map to the type its 1986
# definition mostly covered, and a record that needs the other one is edited.
FORWARD = {
    Accident1986.STRUCK_BY_OBJECT: Accident2025.STRUCK_BY_OBJECT,
    # Split. The 1986 definition is about the enterprise's own motor vehicles:
    # in-plant; road (rail) vehicles are the other half.
    Accident1986.VEHICLE: Accident2025.IN_PLANT_VEHICLE,
    Accident1986.MACHINERY: Accident2025.MACHINERY,  # renamed 机械致害
    # Renamed 起重致害; the 29-type reading splits it (设备 / 起重物): default the first.
    Accident1986.LIFTING: Accident2025.LIFTING,
    Accident1986.ELECTRIC_SHOCK: Accident2025.ELECTRIC_SHOCK,
    Accident1986.DROWNING: Accident2025.DROWNING,
    Accident1986.BURN: Accident2025.BURN,
    Accident1986.FIRE: Accident2025.FIRE,
    Accident1986.FALL_FROM_HEIGHT: Accident2025.FALL_FROM_HEIGHT,
    Accident1986.COLLAPSE: Accident2025.COLLAPSE,
    # Dropped: a mine roof or rib giving way is a collapse now.
    Accident1986.ROOF_FALL: Accident2025.COLLAPSE,
    # Dropped: water breaking into a mine or workplace is 水害.
    Accident1986.WATER_INRUSH: Accident2025.WATER_HAZARD,
    # Dropped: blasting accidents are explosions of civil explosives (民用爆炸物品).
    Accident1986.BLASTING: Accident2025.CIVIL_EXPLOSIVE_EXPLOSION,
    # Dropped: gunpowder and explosives; fireworks (烟花爆竹) is the other half.
    Accident1986.EXPLOSIVE: Accident2025.CIVIL_EXPLOSIVE_EXPLOSION,
    # Dropped: firedamp is a flammable gas.
    Accident1986.GAS_EXPLOSION: Accident2025.FLAMMABLE_GAS_EXPLOSION,
    # Dropped: a boiler is pressure equipment; 2025 has no boiler type.
    Accident1986.BOILER_EXPLOSION: Accident2025.VESSEL_EXPLOSION,
    Accident1986.VESSEL_EXPLOSION: Accident2025.VESSEL_EXPLOSION,
    # Split into gas, vapour, dust, pipeline, fireworks, solid and molten-material
    # explosions. Default: flammable gas, the commonest case in our templates; a
    # dust or molten-metal risk needs editing (or a template written in 2025 names).
    Accident1986.OTHER_EXPLOSION: Accident2025.FLAMMABLE_GAS_EXPLOSION,
    # Split: poisoning and asphyxiation. Default: poisoning.
    Accident1986.POISONING: Accident2025.POISONING,
    Accident1986.OTHER: Accident2025.OTHER,  # renamed 其他事故
}

# 2025 → 1986, only for clients of the deprecated 1986 GraphQL enum: the 1986
# type each 2025 type falls under (types new in 2025 fall under the nearest).
BACKWARD = {new: old for old, new in FORWARD.items() if old.value == new.value} | {
    Accident2025.IN_PLANT_VEHICLE: Accident1986.VEHICLE,
    Accident2025.ROAD_VEHICLE: Accident1986.VEHICLE,
    Accident2025.TUMBLE: Accident1986.OTHER,
    Accident2025.WATER_HAZARD: Accident1986.WATER_INRUSH,
    Accident2025.PIPELINE_EXPLOSION: Accident1986.OTHER_EXPLOSION,
    Accident2025.FLAMMABLE_GAS_EXPLOSION: Accident1986.OTHER_EXPLOSION,
    Accident2025.FLAMMABLE_VAPOUR_EXPLOSION: Accident1986.OTHER_EXPLOSION,
    Accident2025.DUST_EXPLOSION: Accident1986.OTHER_EXPLOSION,
    Accident2025.CIVIL_EXPLOSIVE_EXPLOSION: Accident1986.EXPLOSIVE,
    Accident2025.FIREWORKS_EXPLOSION: Accident1986.EXPLOSIVE,
    Accident2025.COMBUSTIBLE_SOLID_EXPLOSION: Accident1986.OTHER_EXPLOSION,
    Accident2025.MOLTEN_MATERIAL_EXPLOSION: Accident1986.OTHER_EXPLOSION,
    Accident2025.ASPHYXIATION: Accident1986.POISONING,
    Accident2025.LANDSLIDE: Accident1986.COLLAPSE,
    Accident2025.LEAKAGE: Accident1986.OTHER,
}


@dataclass(frozen=True)
class EditionInfo:
    edition: Edition
    title: str
    effective: date
    types: type[models.TextChoices]
    chinese: dict

    @property
    def label(self) -> str:
        return self.edition.label


EDITIONS = {
    Edition.GB_6441_1986: EditionInfo(
        Edition.GB_6441_1986, "企业职工伤亡事故分类", date(1987, 2, 1), Accident1986, CHINESE_1986
    ),
    Edition.GB_6441_2025: EditionInfo(
        Edition.GB_6441_2025, "生产安全事故分类与编码", date(2026, 7, 1), Accident2025, CHINESE_2025
    ),
}


def edition_in_force(today: date | None = None) -> Edition:
    """The edition new records use: the latest one in effect on ``today``
    (the local date by default; tests pass a day or travel with time-machine)."""
    today = today or timezone.localdate()
    current = Edition.GB_6441_1986
    for info in EDITIONS.values():
        if info.effective <= today:
            current = info.edition
    return current


def _plain(value: str) -> str:
    return (value or "").strip().replace("（", "(").replace("）", ")")


def _lookup(value: str, edition: Edition) -> str | None:
    info = EDITIONS[Edition(edition)]
    if value in info.types.values:
        return value
    for code, name in info.chinese.items():
        if value == _plain(name):
            return code.value
    if edition == Edition.GB_6441_2025 and value in ALIASES_2025:
        return ALIASES_2025[value].value
    return None


def to_edition(value: str, edition: Edition) -> str | None:
    """The ``edition`` code for a code or Chinese name of either edition; None if
    it is neither. A name of the other edition goes through FORWARD / BACKWARD."""
    value = _plain(value)
    found = _lookup(value, edition)
    if found is not None:
        return found
    if edition == Edition.GB_6441_2025:
        old = _lookup(value, Edition.GB_6441_1986)
        return FORWARD[Accident1986(old)].value if old else None
    new = _lookup(value, Edition.GB_6441_2025)
    return BACKWARD[Accident2025(new)].value if new else None


def chinese_name(edition: str, code: str) -> str:
    info = EDITIONS[Edition(edition)]
    return info.chinese.get(code, code)


def english_name(edition: str, code: str) -> str:
    """Through gettext: English in English, the standard's name in Chinese."""
    labels = dict(EDITIONS[Edition(edition)].types.choices)
    return str(labels.get(code, code))


def edition_label(edition: str) -> str:
    return Edition(edition).label
