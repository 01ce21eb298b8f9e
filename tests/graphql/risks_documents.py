"""GraphQL documents and helpers of the risk register API tests."""

from __future__ import annotations

from safeloop.graphql.nodes import global_id
from tests.graphql.conftest import run
from tests.graphql.test_query_counts import PER_REQUEST

RISK_POINTS = """
query ($filters: RiskPointFilter) {
  riskPoints(first: 100, filters: $filters) {
    totalCount
    edges { node {
      id code displayName kind band colour controlLevel inherentBand score needsReassessment
      area { id code } equipment { id code } responsible { id name }
      sources { id displayDescription accidentTypes accidentTypeNames }
      assessments { id method residualScore residualBand inherentFactors { l e c } assessedByName }
      measures { id kind level displayDescription checkLabel owner { name } ownerRole { code } }
      flags { id reason isOpen hazard { number } measure { id } }
    } }
  }
}
"""
# risk points (+ total count), areas, equipment, responsible people with their users,
# sources, assessments with their assessors, measures, owners with users, owner roles,
# flags, their hazards, their measures
RISK_POINT_QUERIES = PER_REQUEST + 12

RISK_POINT = "query ($id: ID!) { riskPoint(id: $id) { code band colour isActive } }"
RISK_MAP = """
query {
  riskMap {
    sitePlan { name width height imageUrl }
    zones {
      areaCode band colour riskPoints needsReassessment openHazards overdueHazards polygon
      area { code } byBand { band count }
    }
  }
}
"""
CREATE = """
mutation ($input: CreateRiskPointInput!) {
  createRiskPoint(input: $input) {
    riskPoint { id code kind band colour area { code } equipment { code } }
    errors { field code message }
  }
}
"""
UPDATE = """
mutation ($input: UpdateRiskPointInput!) {
  updateRiskPoint(input: $input) {
    riskPoint { code name isActive responsible { name } } errors { field code }
  }
}
"""
SET_SOURCES = """
mutation ($input: SetHazardSourcesInput!) {
  setHazardSources(input: $input) {
    riskPoint { sources { description accidentTypes } } errors { field code }
  }
}
"""
ASSESS = """
mutation ($input: AssessRiskInput!) {
  assessRisk(input: $input) {
    assessment { method inherentScore inherentBand residualScore residualBand }
    riskPoint { band colour controlLevel inherentBand score needsReassessment }
    errors { field code message }
  }
}
"""
ADD_MEASURE = """
mutation ($input: AddControlMeasureInput!) {
  addControlMeasure(input: $input) {
    measure { id kind level checkLabel ownerRole { code } isActive }
    errors { field code }
  }
}
"""
UPDATE_MEASURE = """
mutation ($input: UpdateControlMeasureInput!) {
  updateControlMeasure(input: $input) { measure { level description } errors { field code } }
}
"""
REMOVE_MEASURE = """
mutation ($input: ControlMeasureIdInput!) {
  removeControlMeasure(input: $input) {
    measure { isActive } riskPoint { measures { id } } errors { field code }
  }
}
"""
SYNC = """
mutation ($input: SyncCheckItemsInput!) {
  syncCheckItems(input: $input) {
    checklist { code currentVersion { items { label } } } errors { field code }
  }
}
"""
SET_METHOD = """
mutation ($input: SetRiskMethodInput!) {
  setRiskMethod(input: $input) { settings { method } errors { field code } }
}
"""
UPDATE_SETTINGS = """
mutation ($input: UpdateRiskSettingsInput!) {
  updateRiskSettings(input: $input) {
    settings { method emergencyPhone } errors { field code message }
  }
}
"""


def gid(type_name: str, row) -> str:
    return global_id(type_name, row)


def mutate(client, document: str, **data) -> dict:
    """The payload of a one-mutation document, called with ``data`` as its input."""
    return next(iter(run(client, document, {"input": data}).values()))


def errors_of(payload: dict) -> list[tuple[str | None, str]]:
    return [(error["field"], error["code"]) for error in payload["errors"]]
