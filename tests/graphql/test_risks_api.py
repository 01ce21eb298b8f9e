"""The risk register over GraphQL: the register and the four-colour map, read in a
fixed number of queries; identify, assess and control through the services.

Wang is the enterprise admin and may manage risks; Zhang is an operator who may
read the register but change nothing; Zhao, the third-party verifier, sees no
risks at all. Globex is another enterprise with risk points of its own.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context
from strawberry import relay

from safeloop.tenants.facilities.models import Area, Equipment, EquipmentType, JobRole, Person
from safeloop.tenants.risks import services
from safeloop.tenants.risks.models import (
    Assessment,
    ControlMeasure,
    FlagReason,
    HazardSource,
    RiskFlag,
    RiskPoint,
    SitePlan,
    Zone,
)
from safeloop.tenants.risks.scoring import Band
from tests.graphql.conftest import run
from tests.graphql.risks_documents import (
    ASSESS,
    RISK_MAP,
    RISK_POINT,
    RISK_POINT_QUERIES,
    RISK_POINTS,
    errors_of,
    gid,
    mutate,
)
from tests.graphql.test_hazards_query_counts import make_hazards
from tests.graphql.test_query_counts import PER_REQUEST

pytestmark = pytest.mark.django_db


def make_points(count: int, area: Area) -> list[RiskPoint]:
    """``count`` assessed points, each with 2 sources, 2 assessments, 2 measures and a flag."""
    machine = Equipment.objects.create(
        code="QC-MACHINE",
        name="Test press",
        area=area,
        equipment_type=EquipmentType.objects.get(code="PRESS"),
    )
    li = Person.objects.get(employee_no="E1001")
    fitter = JobRole.objects.get(code="maintenance_fitter")
    points = RiskPoint.objects.bulk_create(
        RiskPoint(
            code=f"QC-{n:03}",
            name=f"风险点{n}",
            kind="equipment",
            area=area,
            equipment=machine,
            responsible=li,
            band=Band.ORANGE,
            band_rank=3,
            score=Decimal(270),
            inherent_band=Band.RED,
        )
        for n in range(count)
    )
    HazardSource.objects.bulk_create(
        HazardSource(risk_point=p, order=i, description=f"源{i}", accident_types=["machinery"])
        for p in points
        for i in (1, 2)
    )
    Assessment.objects.bulk_create(
        Assessment(
            risk_point=p,
            method="lec",
            inherent_factors={"l": "6", "e": "6", "c": "15"},
            inherent_score=540,
            inherent_band=Band.RED,
            residual_factors={"l": "3", "e": "6", "c": "15"},
            residual_score=270,
            residual_band=Band.ORANGE,
            assessed_at=p.created_at,
        )
        for p in points
        for _ in (1, 2)
    )
    measures = ControlMeasure.objects.bulk_create(
        ControlMeasure(
            risk_point=p, kind=kind, level="team", description=kind, owner=li, owner_role=fitter
        )
        for p in points
        for kind in ("engineering", "ppe")
    )
    hazards = make_hazards(count, photos_each=0)
    RiskFlag.objects.bulk_create(
        RiskFlag(risk_point=p, hazard=h, reason=FlagReason.MEASURE_FAILED, measure=m)
        for p, h, m in zip(points, hazards, measures[::2], strict=True)
    )
    return points


def queries_for(client, query: str, variables: dict) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as captured:
        data = run(client, query, variables)
    return data, len([q for q in captured.captured_queries if not q["sql"].startswith("SET ")])


# --- Reading ------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [3, 30])
def test_risk_register_takes_a_fixed_number_of_queries(as_wang, qc_area, rows):
    make_points(rows, qc_area)

    data, queries = queries_for(as_wang, RISK_POINTS, {"filters": {"search": "QC-"}})

    assert data["riskPoints"]["totalCount"] == rows
    assert queries == RISK_POINT_QUERIES
    node = data["riskPoints"]["edges"][0]["node"]
    assert node["band"] == "ORANGE" and node["colour"] == "#f7931e"
    assert node["controlLevel"] == "WORKSHOP" and node["inherentBand"] == "RED"
    assert node["equipment"]["code"] == "QC-MACHINE" and node["responsible"]["name"] == "Li Na"
    assert node["sources"][0]["accidentTypes"] == ["MACHINERY"]
    assert node["assessments"][0]["inherentFactors"] == {"l": "6", "e": "6", "c": "15"}
    assert [m["kind"] for m in node["measures"]] == ["ENGINEERING", "PPE"]
    assert node["measures"][0]["ownerRole"]["code"] == "maintenance_fitter"
    assert node["flags"][0]["reason"] == "MEASURE_FAILED"
    assert node["flags"][0]["hazard"]["number"].startswith("QC-")
    assert node["flags"][0]["measure"]["id"] == node["measures"][0]["id"]


def test_register_filters_by_colour_area_level_and_flag(as_wang, wang, qc_area, guard_point):
    # given: in W1 a red guard point, flagged for re-assessment, and an unassessed one
    services.create_risk_point(by=wang, code="QC-RAW", name="未评价", kind="area", area=qc_area)
    RiskPoint.objects.filter(pk=guard_point.pk).update(needs_reassessment=True)
    w1 = {"area": gid("Area", Area.objects.get(code="W1")), "search": "QC-"}
    w2 = {"area": gid("Area", Area.objects.get(code="W2")), "search": "QC-"}

    def codes(**filters):
        data = run(as_wang, RISK_POINTS, {"filters": filters})["riskPoints"]["edges"]
        return [edge["node"]["code"] for edge in data]

    assert codes(**w1) == ["QC-GUARD", "QC-RAW"]  # red first
    assert codes(**w1, band="RED") == ["QC-GUARD"]
    assert codes(**w1, level="COMPANY") == ["QC-GUARD"]
    assert codes(**w1, level="TEAM") == []
    assert codes(**w1, needsReassessment=True) == ["QC-GUARD"]
    assert codes(**w1, needsReassessment=False) == ["QC-RAW"]
    assert codes(**w1, assessed=False) == ["QC-RAW"]
    assert codes(**w2) == []


def test_operator_reads_the_register_and_verifier_sees_nothing(
    acme_client, zhang, zhao, guard_point
):
    point_id = gid("RiskPoint", guard_point)
    acme_client.force_login(zhang)
    assert run(acme_client, RISK_POINT, {"id": point_id})["riskPoint"]["band"] == "RED"

    acme_client.force_login(zhao)
    assert run(acme_client, RISK_POINT, {"id": point_id})["riskPoint"] is None
    assert run(acme_client, RISK_POINTS)["riskPoints"]["totalCount"] == 0
    assert run(acme_client, "query { riskSettings { method } }")["riskSettings"] is None


def test_globex_risk_point_id_is_null_on_acme(as_wang, globex, guard_point):
    with tenant_context(globex):
        globex_point = RiskPoint.objects.order_by("pk").first()
    assert RiskPoint.objects.filter(pk=globex_point.pk).exists(), "Acme has the same pk"
    globex_id = str(relay.GlobalID("RiskPoint", f"globex.{globex_point.pk}"))

    assert run(as_wang, RISK_POINT, {"id": globex_id})["riskPoint"] is None
    payload = mutate(as_wang, ASSESS, id=globex_id, inherent={"l": 1, "e": 1, "c": 1})
    assert errors_of(payload) == [("id", "not_found")]


def test_map_colours_zones_by_their_highest_risk_and_recolours(as_wang, qc_area, guard_point):
    assert run(as_wang, RISK_MAP)["riskMap"] is None  # no site plan yet
    empty = Area.objects.create(code="QC-EMPTY", name="空区", kind="area", parent=qc_area.parent)
    plan = SitePlan.objects.create(name="厂区平面图", width=800, height=600)
    Zone.objects.create(site_plan=plan, area=qc_area, polygon=[[0, 0], [0.5, 0], [0.5, 0.5]])
    Zone.objects.create(site_plan=plan, area=empty, polygon=[[0.5, 0.5], [1, 0.5], [1, 1]])

    shown = run(as_wang, RISK_MAP)["riskMap"]
    zones = shown["zones"]

    assert shown["sitePlan"]["imageUrl"] == f"/r/map/plans/{plan.pk}/image/"
    assert [(z["areaCode"], z["band"], z["colour"]) for z in zones] == [
        ("QC-EMPTY", None, "#9aa3ad"),
        ("QC-RISK", "RED", "#e02020"),
    ]
    assert zones[1]["byBand"][0] == {"band": "RED", "count": 1}
    assert zones[1]["polygon"] == [[0.0, 0.0], [0.5, 0.0], [0.5, 0.5]]

    # when: the guard is fitted and the point re-assessed
    guarded = {"l": "0.5", "e": 6, "c": 15}
    point_id = gid("RiskPoint", guard_point)
    mutate(as_wang, ASSESS, id=point_id, inherent={"l": 6, "e": 6, "c": 15}, residual=guarded)

    # then: the zone is blue (D = 45)
    zone = run(as_wang, RISK_MAP)["riskMap"]["zones"][1]
    assert (zone["band"], zone["colour"]) == ("BLUE", "#1f6fd6")


@pytest.mark.parametrize("zones", [3, 30])
def test_risk_map_takes_a_fixed_number_of_queries(as_wang, qc_area, zones):
    plan = SitePlan.objects.create(name="Site", width=800, height=600)
    areas = Area.objects.bulk_create(
        Area(code=f"QC-Z{n:03}", name=f"区{n}", kind="area", parent=qc_area.parent)
        for n in range(zones)
    )
    Zone.objects.bulk_create(
        Zone(site_plan=plan, area=area, polygon=[[0, 0], [1, 0], [1, 1]]) for area in areas
    )

    data, queries = queries_for(as_wang, RISK_MAP, {})

    assert len(data["riskMap"]["zones"]) == zones
    # the plan; the area tree, risk points and open hazards (colours); zones with their areas
    assert queries == PER_REQUEST + 5


def test_value_tables_and_accident_types_feed_the_pickers(as_zhang):
    data = run(
        as_zhang,
        """query {
          riskValueTables { lecL { value meaning } bands { band colour lecFrom controlLevel } }
          accidentTypes(edition: GB_6441_1986) { value chineseName }
        }""",
    )

    lec_l = [row["value"] for row in data["riskValueTables"]["lecL"]]
    assert lec_l == ["10", "6", "3", "1", "0.5", "0.2", "0.1"]
    red = data["riskValueTables"]["bands"][0]
    assert (red["band"], red["colour"], red["lecFrom"], red["controlLevel"]) == (
        "RED",
        "#e02020",
        "320",
        "COMPANY",
    )
    assert len(data["accidentTypes"]) == 20
    assert {"value": "MACHINERY", "chineseName": "机械伤害"} in data["accidentTypes"]


ACCIDENT_TYPES = """query ($edition: AccidentEdition) {
  accidentTypes(edition: $edition) { code edition chineseName value }
}"""


def test_accident_types_default_to_the_edition_in_force(as_zhang):
    # given today is after 2026-07-01, when GB 6441-2025 took effect
    data = run(as_zhang, ACCIDENT_TYPES)

    types = data["accidentTypes"]
    assert len(types) == 27
    assert {t["edition"] for t in types} == {"GB_6441_2025"}
    assert types[1] == {
        "code": "in_plant_vehicle",
        "edition": "GB_6441_2025",
        "chineseName": "厂（场）内车辆致害",
        "value": "VEHICLE",  # the deprecated 1986 enum: the type it falls under
    }
    assert {"code": "dust_explosion", "chineseName": "粉尘爆炸"}.items() <= types[17].items()
    old = run(as_zhang, ACCIDENT_TYPES, {"edition": "GB_6441_1986"})["accidentTypes"]
    assert [t["chineseName"] for t in old][10:13] == ["冒顶片帮", "透水", "放炮"]


SOURCES = """query ($id: ID!) {
  riskPoint(id: $id) {
    sources {
      accidentEdition accidentTypeCodes accidentTypes accidentTypeNames
      accidents { code chineseName edition }
    }
  }
}"""
SET_SOURCES = """mutation ($input: SetHazardSourcesInput!) {
  setHazardSources(input: $input) { errors { field code message } }
}"""


def test_a_source_is_read_in_its_own_edition(as_wang, wang, qc_area):
    # given a 1986 row the migration left, and a point Wang rewrites today
    [old, new] = make_points(2, qc_area)
    old.sources.update(accident_edition="1986", accident_types=["poisoning", "vehicle"])
    new_id = gid("RiskPoint", new)
    sources = [{"description": "粉尘", "accidentTypeCodes": ["dust_explosion", "中毒和窒息"]}]
    # and an old client still sending the 1986 enum
    sources.append({"description": "叉车", "accidentTypes": ["VEHICLE"]})

    errors = run(as_wang, SET_SOURCES, {"input": {"id": new_id, "sources": sources}})
    assert errors["setHazardSources"]["errors"] == []

    old_id = gid("RiskPoint", old)
    was = run(as_wang, SOURCES, {"id": old_id})["riskPoint"]["sources"][0]
    assert was["accidentEdition"] == "GB_6441_1986"
    assert was["accidentTypes"] == ["POISONING", "VEHICLE"]
    assert [a["chineseName"] for a in was["accidents"]] == ["中毒和窒息", "车辆伤害"]
    dust, truck = run(as_wang, SOURCES, {"id": new_id})["riskPoint"]["sources"]
    assert dust["accidentEdition"] == "GB_6441_2025"
    assert dust["accidentTypeCodes"] == ["dust_explosion", "poisoning"]
    assert dust["accidentTypes"] == ["OTHER_EXPLOSION", "POISONING"]
    assert truck["accidents"] == [
        {"code": "in_plant_vehicle", "chineseName": "厂（场）内车辆致害", "edition": "GB_6441_2025"}
    ]
