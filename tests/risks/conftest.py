"""Risk test helpers. Acme is a metal works: W1 is its stamping workshop, where
Li Na leads the team; Wang is the safety manager, Sun the safety officer."""

from __future__ import annotations

import pytest


@pytest.fixture
def w1(in_acme):
    from safeloop.tenants.facilities.models import Area

    return Area.objects.get(code="W1")


@pytest.fixture
def press_line(w1, wang):
    """A new area of W1 holding no template risk points, so its colour is the tests' own."""
    from safeloop.tenants.facilities.services import create_area

    return create_area(
        by=wang, code="W1-RT", name="试验冲压线", name_en="Trial press line", kind="area", parent=w1
    )


@pytest.fixture
def press(press_line, wang):
    from safeloop.tenants.facilities.models import EquipmentType
    from safeloop.tenants.facilities.services import create_equipment

    return create_equipment(
        by=wang,
        code="PR-R01",
        name="Press R1",
        area=press_line,
        equipment_type=EquipmentType.objects.get(code="PRESS"),
    )


@pytest.fixture
def press_risk(press, wang):
    """The press as a risk point, assessed red (LEC 6 × 6 × 15 = 540) with an
    interlock measure that inspectors check."""
    from safeloop.tenants.risks import services

    point = services.create_risk_point(
        by=wang,
        code="RP-PRESS-R1",
        name="冲压机R1",
        name_en="Press R1",
        kind="equipment",
        equipment=press,
    )
    services.set_hazard_sources(
        point,
        by=wang,
        sources=[{"description": "滑块下行时手进入模区", "accident_types": ["机械伤害"]}],
    )
    services.assess_risk(point, by=wang, inherent={"l": 6, "e": 6, "c": 15})
    services.add_control_measure(
        point,
        by=wang,
        kind="engineering",
        level="workshop",
        description="光电保护装置与双手按钮联锁",
        description_en="Light curtain interlocked with two-hand controls",
        check_label="光电保护装置有效",
        check_label_en="Light curtain stops the slide",
    )
    point.refresh_from_db()
    return point


@pytest.fixture
def red_press(press_risk, wang, li):
    """The red press with its measures of three kinds; Li Na is responsible."""
    from safeloop.tenants.risks import services
    from safeloop.tenants.risks.models import RiskPoint

    services.update_risk_point(press_risk, by=wang, responsible=li.person)
    services.add_control_measure(
        press_risk,
        by=wang,
        kind="ppe",
        level="post",
        description="操作时佩戴防护手套",
        description_en="Wear protective gloves",
    )
    services.add_control_measure(
        press_risk,
        by=wang,
        kind="emergency",
        level="team",
        description="立即按下急停按钮并报告班长",
        description_en="Hit the emergency stop and tell the team leader",
    )
    return RiskPoint.objects.get(pk=press_risk.pk)


@pytest.fixture
def blue_walk(press_line, wang):
    """A blue activity on the press line (LEC 1 × 6 × 7 = 42), a post-level measure."""
    from safeloop.tenants.risks import services
    from safeloop.tenants.risks.models import RiskPoint

    point = services.create_risk_point(
        by=wang,
        code="RP-RAIL-WALK",
        name="护栏巡视",
        name_en="Guard rail walk",
        kind="activity",
        area=press_line,
    )
    services.set_hazard_sources(
        point, by=wang, sources=[{"description": "护栏松动", "accident_types": ["高处坠落"]}]
    )
    services.assess_risk(point, by=wang, inherent={"l": 1, "e": 6, "c": 7})
    services.add_control_measure(
        point, by=wang, kind="management", level="post", description="每班检查护栏"
    )
    return RiskPoint.objects.get(pk=point.pk)


@pytest.fixture
def oil_store(press_line, wang):
    """An area risk point nobody has assessed yet."""
    from safeloop.tenants.risks import services

    return services.create_risk_point(
        by=wang, code="RP-OIL-STORE", name="油品库", kind="area", area=press_line
    )
