"""GB 6441 by edition. GB 6441-2025 took effect on 2026-07-01; today (the
tests' clock, 2026-12-06) it is in force. Wang, Acme's safety manager, writes
hazard sources; the register he inherited holds rows written in 1986 types.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from safeloop.platform import gb6441
from safeloop.platform.gb6441 import Accident1986, Accident2025, Edition, edition_in_force
from safeloop.platform.industry import TemplateError
from safeloop.tenants.hazards.models import LibraryEntry
from safeloop.tenants.hazards.template_section import _accident_type
from safeloop.tenants.risks import services
from safeloop.tenants.risks.models import HazardSource, RiskPoint
from tests.support.documents import pdf_text

SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- The data -------------------------------------------------------------------


def test_the_editions_list_20_and_27_types_with_distinct_names():
    assert len(Accident1986) == 20 and len(Accident2025) == 27
    for info in gb6441.EDITIONS.values():
        assert set(info.chinese) == set(info.types)
        assert len(set(info.chinese.values())) == len(info.types)


def test_every_1986_type_maps_to_a_2025_type_and_back():
    assert set(gb6441.FORWARD) == set(Accident1986)
    assert all(isinstance(new, Accident2025) for new in gb6441.FORWARD.values())
    assert set(gb6441.BACKWARD) == set(Accident2025)
    # a code both editions share means the same thing in both, whichever way it goes
    for old in Accident1986:
        if old.value in Accident2025.values:
            assert gb6441.FORWARD[old].value == old.value
            assert gb6441.BACKWARD[Accident2025(old.value)] == old


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("车辆伤害", "in_plant_vehicle"),
        ("中毒和窒息", "poisoning"),
        ("放炮", "civil_explosive_explosion"),
        ("冒顶片帮", "collapse"),
        ("透水", "water_hazard"),
        ("其他爆炸", "flammable_gas_explosion"),
        ("机械伤害", "machinery"),
        ("other_explosion", "flammable_gas_explosion"),
        ("粉尘爆炸", "dust_explosion"),
        ("厂（场）内车辆致害", "in_plant_vehicle"),
        ("可燃液体蒸汽爆炸", "flammable_vapour_explosion"),
    ],
)
def test_names_of_either_edition_resolve_to_a_2025_type(written, stored):
    assert gb6441.to_edition(written, Edition.GB_6441_2025) == stored


def test_an_unknown_name_resolves_to_nothing():
    assert gb6441.to_edition("机器伤害", Edition.GB_6441_2025) is None
    assert gb6441.to_edition("爆胎", Edition.GB_6441_1986) is None


# --- The date rule --------------------------------------------------------------


def test_the_rule_picks_1986_before_the_first_of_july_2026_and_2025_from_it():
    assert edition_in_force(date(2026, 6, 30)) == Edition.GB_6441_1986
    assert edition_in_force(date(2026, 7, 1)) == Edition.GB_6441_2025
    assert edition_in_force(date(2026, 12, 6)) == Edition.GB_6441_2025


def test_the_rule_follows_the_clock_in_the_enterprises_time_zone():
    # 23:30 on 30 June in Shanghai is still the 1986 edition's last day
    with time_machine.travel(datetime(2026, 6, 30, 23, 30, tzinfo=SHANGHAI), tick=False):
        assert edition_in_force() == Edition.GB_6441_1986
    with time_machine.travel(datetime(2026, 7, 1, 0, 5, tzinfo=SHANGHAI), tick=False):
        assert edition_in_force() == Edition.GB_6441_2025


# --- Records --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_template_provisioned_today_stores_2025_types(in_acme):
    # Acme was provisioned from the metal template, written in 1986 names
    press = RiskPoint.objects.get(code="RP-M01")
    sources = list(press.sources.all())

    assert {s.accident_edition for s in sources} == {Edition.GB_6441_2025}
    assert "机械致害" in [name for s in sources for name in s.accident_type_chinese]
    written = HazardSource.objects.values_list("accident_types", flat=True)
    assert not {code for codes in written for code in codes} - set(Accident2025.values)
    entries = LibraryEntry.objects.exclude(accident_type="")
    assert entries and {e.accident_edition for e in entries} == {Edition.GB_6441_2025}
    names_2025 = set(gb6441.CHINESE_2025.values())
    assert {e.accident_type for e in entries} <= names_2025


@pytest.mark.django_db
def test_templates_may_name_2025_types_and_an_unknown_name_is_refused(in_acme):
    [spec] = services.clean_sources(
        [{"description": "抛光粉尘", "accident_types": ["粉尘爆炸", "车辆伤害"]}],
        edition=Edition.GB_6441_2025,
    )
    assert spec.accident_types == ["dust_explosion", "in_plant_vehicle"]

    row = {"code": "LIB-X", "accident_type": "高温熔融物爆炸"}
    assert _accident_type(row, Edition.GB_6441_2025) == "高温熔融物爆炸"
    assert _accident_type({"code": "LIB-Y", "accident_type": "其他爆炸"}, "2025") == "可燃气体爆炸"
    with pytest.raises(TemplateError, match="LIB-Z.*机器伤害"):
        _accident_type({"code": "LIB-Z", "accident_type": "机器伤害"}, Edition.GB_6441_2025)


@pytest.mark.django_db
def test_sources_written_before_the_effective_date_stay_1986(press_risk, wang):
    with time_machine.travel(datetime(2026, 6, 15, 9, tzinfo=SHANGHAI), tick=False):
        [source] = services.set_hazard_sources(
            press_risk,
            by=wang,
            sources=[{"description": "叉车倒车", "accident_types": ["车辆伤害"]}],
        )
    assert (source.accident_edition, source.accident_types) == ("1986", ["vehicle"])


@pytest.fixture
def old_source(press_risk):
    """A hazard source written in 2025 under the 1986 edition, as the migration left it."""
    press_risk.sources.all().delete()
    return HazardSource.objects.create(
        risk_point=press_risk,
        order=1,
        description="进入储罐清理",
        accident_types=["poisoning", "vehicle"],
        accident_edition=Edition.GB_6441_1986,
    )


@pytest.mark.django_db
def test_a_1986_record_is_still_shown_in_1986_names_with_the_edition(
    as_wang, press_risk, old_source, tmp_path
):
    from safeloop.tenants.facilities.models import Person

    Person.objects.update(language="en")
    page = as_wang.get(f"/r/{press_risk.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Poisoning and asphyxiation, Vehicle injury" in page
    assert "GB/T 6441-1986" in page

    form = as_wang.get(f"/r/{press_risk.pk}/sources/").content.decode()
    assert "进入储罐清理 | 中毒和窒息, 车辆伤害" in form

    card = as_wang.get(f"/r/{press_risk.pk}/card.pdf")
    [text] = pdf_text(card.content, tmp_path)
    assert "可能导致（GB/T 6441-1986）：中毒和窒息、车辆伤害" in text
    old_source.refresh_from_db()
    assert old_source.accident_types == ["poisoning", "vehicle"]  # nothing rewrote it
