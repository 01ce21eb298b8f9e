"""The risk register over GraphQL, changing it: identify, assess and control
through the services, with errors on their fields; the settings.

Wang is the enterprise admin and may manage risks; Zhang is an operator who
may change nothing. ``qc_area`` / ``guard_point`` come from the conftest.
"""

from __future__ import annotations

import pytest

from safeloop.tenants.facilities.models import JobRole, Person
from safeloop.tenants.risks.models import RiskPoint
from tests.graphql.risks_documents import (
    ADD_MEASURE,
    ASSESS,
    CREATE,
    REMOVE_MEASURE,
    RISK_POINT,
    RISK_POINTS,
    SET_METHOD,
    SET_SOURCES,
    SYNC,
    UPDATE,
    UPDATE_MEASURE,
    UPDATE_SETTINGS,
    errors_of,
    gid,
    mutate,
    run,
)

pytestmark = pytest.mark.django_db


# --- Changing -----------------------------------------------------------------------------

VEHICLES = {
    "description": "叉车通道与人行通道交叉",
    "accidentTypes": ["VEHICLE", "STRUCK_BY_OBJECT"],
}


def test_admin_identifies_assesses_and_controls_a_risk_point(as_wang, qc_area):
    created = mutate(
        as_wang, CREATE, code="QC-NEW", name="新风险点", kind="AREA", area=gid("Area", qc_area)
    )
    assert created["errors"] == []
    point = created["riskPoint"]
    assert (point["kind"], point["band"], point["colour"]) == ("AREA", None, "#9aa3ad")

    sources = mutate(as_wang, SET_SOURCES, id=point["id"], sources=[VEHICLES])
    assert sources["riskPoint"]["sources"] == [
        {"description": VEHICLES["description"], "accidentTypes": VEHICLES["accidentTypes"]}
    ]

    assessed = mutate(
        as_wang,
        ASSESS,
        id=point["id"],
        inherent={"l": 6, "e": 6, "c": 15},
        residual={"l": 1, "e": 6, "c": 15},
        note="人车分流",
    )
    assert assessed["errors"] == []
    assert assessed["assessment"] == {
        "method": "LEC",
        "inherentScore": "540.00",
        "inherentBand": "RED",
        "residualScore": "90.00",
        "residualBand": "YELLOW",
    }
    after = assessed["riskPoint"]
    assert (after["band"], after["controlLevel"], after["inherentBand"]) == (
        "YELLOW",
        "TEAM",
        "RED",
    )

    added = mutate(
        as_wang,
        ADD_MEASURE,
        riskPoint=point["id"],
        kind="ENGINEERING",
        level="WORKSHOP",
        description="人行通道加装护栏",
        checkLabel="人行通道护栏完好",
        ownerRole=gid("JobRole", JobRole.objects.get(code="team_leader")),
    )
    assert added["errors"] == []
    assert added["measure"]["ownerRole"] == {"code": "team_leader"}
    measure_id = added["measure"]["id"]

    synced = mutate(as_wang, SYNC, id=point["id"])
    assert synced["errors"] == []
    assert synced["checklist"]["currentVersion"]["items"][-1] == {"label": "人行通道护栏完好"}

    updated = mutate(as_wang, UPDATE_MEASURE, id=measure_id, level="COMPANY")
    assert updated["measure"] == {"level": "COMPANY", "description": "人行通道加装护栏"}

    removed = mutate(as_wang, REMOVE_MEASURE, id=measure_id)
    assert removed["measure"] == {"isActive": False}
    assert removed["riskPoint"]["measures"] == []


def test_out_of_table_factor_comes_back_on_its_field(as_wang, guard_point):
    point_id = gid("RiskPoint", guard_point)

    four = mutate(as_wang, ASSESS, id=point_id, inherent={"l": 4, "e": 6, "c": 15})
    worse = mutate(
        as_wang,
        ASSESS,
        id=point_id,
        inherent={"l": 1, "e": 6, "c": 15},
        residual={"l": 6, "e": 6, "c": 15},
    )

    assert errors_of(four) == [("inherentL", "not_in_table")]
    assert "0.5" in four["errors"][0]["message"]
    assert four["assessment"] is None
    assert errors_of(worse) == [("residual", "worse_than_inherent")]
    assert guard_point.assessments.count() == 1


def test_bad_risk_point_input_is_refused_by_field(as_wang, qc_area, guard_point):
    area = gid("Area", qc_area)
    no_types = [{"description": "无事故类型", "accidentTypes": []}]

    duplicate = mutate(as_wang, CREATE, code="QC-GUARD", name="重复", kind="AREA", area=area)
    no_machine = mutate(as_wang, CREATE, code="QC-NOMACHINE", name="无设备", kind="EQUIPMENT")
    no_type = mutate(as_wang, SET_SOURCES, id=gid("RiskPoint", guard_point), sources=no_types)

    assert errors_of(duplicate) == [("code", "duplicate")]
    assert errors_of(no_machine) == [("equipment", "required")]
    assert errors_of(no_type) == [("sources", "required")]
    assert not RiskPoint.objects.filter(code="QC-NOMACHINE").exists()


def test_operator_may_not_change_the_register(as_zhang, qc_area, guard_point):
    point_id = gid("RiskPoint", guard_point)
    area = gid("Area", qc_area)
    attempts = [
        mutate(as_zhang, CREATE, code="QC-OP", name="操作工", kind="AREA", area=area),
        mutate(as_zhang, ASSESS, id=point_id, inherent={"l": 1, "e": 1, "c": 1}),
        mutate(as_zhang, UPDATE, id=point_id, name="改名"),
        mutate(as_zhang, SYNC, id=point_id),
        mutate(as_zhang, SET_METHOD, method="MATRIX"),
    ]

    assert [errors_of(payload) for payload in attempts] == [[(None, "permission_denied")]] * 5
    guard_point.refresh_from_db()
    assert (guard_point.name, guard_point.band) == ("防护测试", "red")
    assert guard_point.assessments.count() == 1
    assert not RiskPoint.objects.filter(code="QC-OP").exists()


def test_switched_off_point_leaves_the_register_and_responsible_clears(as_wang, guard_point):
    point_id = gid("RiskPoint", guard_point)
    li = gid("Person", Person.objects.get(employee_no="E1001"))
    handed = mutate(as_wang, UPDATE, id=point_id, responsible=li)
    assert handed["riskPoint"]["responsible"] == {"name": "Li Na"}

    off = mutate(as_wang, UPDATE, id=point_id, responsible=None, isActive=False)

    assert off["riskPoint"] == {
        "code": "QC-GUARD",
        "name": "防护测试",
        "isActive": False,
        "responsible": None,
    }
    listed = run(as_wang, RISK_POINTS, {"filters": {"search": "QC-GUARD"}})["riskPoints"]
    assert listed["totalCount"] == 0
    assert run(as_wang, RISK_POINT, {"id": point_id})["riskPoint"]["isActive"] is False


def test_matrix_method_assesses_by_likelihood_and_severity(as_wang, guard_point):
    point_id = gid("RiskPoint", guard_point)
    changed = mutate(as_wang, SET_METHOD, method="MATRIX")
    assert changed == {"settings": {"method": "MATRIX"}, "errors": []}

    assessed = mutate(
        as_wang,
        ASSESS,
        id=point_id,
        inherent={"likelihood": 4, "severity": 4},
        residual={"likelihood": 2, "severity": 4},
    )
    lec_factors = mutate(as_wang, ASSESS, id=point_id, inherent={"l": 6, "e": 6, "c": 15})

    assert assessed["assessment"]["method"] == "MATRIX"
    assert assessed["assessment"]["inherentBand"] == "ORANGE"  # R = 16
    assert assessed["riskPoint"]["band"] == "BLUE"  # R = 8
    assert errors_of(lec_factors) == [("inherentLikelihood", "not_in_table")]


def test_emergency_phone_is_kept_refused_or_cleared(as_wang, zhang):
    saved = mutate(as_wang, UPDATE_SETTINGS, emergencyPhone=" 0512-6688  1234 转 8001 ")
    method_only = mutate(as_wang, UPDATE_SETTINGS, method="MATRIX")
    bad = mutate(as_wang, UPDATE_SETTINGS, emergencyPhone="call Li Na")

    assert saved == {
        "settings": {"method": "LEC", "emergencyPhone": "0512-6688 1234 转 8001"},
        "errors": [],
    }
    # a field left out keeps its value
    assert method_only["settings"] == {
        "method": "MATRIX",
        "emergencyPhone": "0512-6688 1234 转 8001",
    }
    assert [(e["field"], e["code"]) for e in bad["errors"]] == [("emergencyPhone", "invalid")]
    assert "0512-6688 1234" in bad["errors"][0]["message"]
    cleared = mutate(as_wang, UPDATE_SETTINGS, emergencyPhone="")
    assert cleared["settings"]["emergencyPhone"] == ""
    as_wang.force_login(zhang)  # an operator may not
    by_operator = mutate(as_wang, UPDATE_SETTINGS, emergencyPhone="110")
    assert errors_of(by_operator) == [(None, "permission_denied")]
