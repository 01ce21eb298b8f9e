"""Mutations call the facilities and accounts services; failures come back in the payload.

Wang (admin) may change everything; Zhang (operator) may only look; Li (team
leader) may manage his own API tokens.
"""

from __future__ import annotations

import pytest

from safeloop.graphql.nodes import global_id
from safeloop.tenants.accounts.models import ApiToken
from safeloop.tenants.accounts.services import create_api_token
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.models import Area, Equipment, EquipmentType, JobRole, Person
from tests.graphql.conftest import run

pytestmark = pytest.mark.django_db

ERRORS = "errors { field code message }"
CREATE_AREA = f"""
mutation ($input: CreateAreaInput!) {{
  createArea(input: $input) {{ area {{ id code kind displayName parent {{ code }} }} {ERRORS} }}
}}
"""
UPDATE_AREA = f"""
mutation ($input: UpdateAreaInput!) {{
  updateArea(input: $input) {{ area {{ code name nameEn }} {ERRORS} }}
}}
"""
CREATE_EQUIPMENT = f"""
mutation ($input: CreateEquipmentInput!) {{
  createEquipment(input: $input) {{
    equipment {{ code name status manufacturedOn area {{ code }} equipmentType {{ code }} }}
    {ERRORS}
  }}
}}
"""
UPDATE_EQUIPMENT = f"""
mutation ($input: UpdateEquipmentInput!) {{
  updateEquipment(input: $input) {{ equipment {{ code status area {{ code }} }} {ERRORS} }}
}}
"""
CREATE_PERSON = f"""
mutation ($input: CreatePersonInput!) {{
  createPerson(input: $input) {{
    person {{ employeeNo name email roles area {{ code }} jobRole {{ code }} }}
    {ERRORS}
  }}
}}
"""
UPDATE_PERSON = f"""
mutation ($input: UpdatePersonInput!) {{
  updatePerson(input: $input) {{ person {{ name roles isActive }} {ERRORS} }}
}}
"""
CREATE_TOKEN = f"""
mutation ($input: CreateApiTokenInput!) {{
  createApiToken(input: $input) {{ token {{ id name prefix isActive }} secret {ERRORS} }}
}}
"""
REVOKE_TOKEN = f"""
mutation ($input: RevokeApiTokenInput!) {{
  revokeApiToken(input: $input) {{ token {{ isActive revokedAt }} {ERRORS} }}
}}
"""
VIEWER_TOKENS = "query { viewer { apiTokens { id name isActive } } }"


def area_id(code: str) -> str:
    return global_id("Area", Area.objects.get(code=code))


# --- areas ------------------------------------------------------------------


def test_admin_creates_an_area_under_a_workshop(as_wang):
    payload = run(
        as_wang,
        CREATE_AREA,
        {
            "input": {
                "code": "W1-A9",
                "name": "废料区",
                "nameEn": "Scrap yard",
                "kind": "AREA",
                "parent": area_id("W1"),
            }
        },
    )["createArea"]

    assert payload["errors"] == []
    assert payload["area"]["code"] == "W1-A9"
    assert payload["area"]["kind"] == "AREA"
    assert payload["area"]["parent"] == {"code": "W1"}
    area = Area.objects.get(code="W1-A9")
    assert payload["area"]["id"] == global_id("Area", area)
    assert AuditEvent.objects.filter(verb="area.created", object_id=str(area.pk)).exists()


def test_admin_renames_an_area(as_wang):
    payload = run(
        as_wang,
        UPDATE_AREA,
        {"input": {"id": area_id("W1-A2"), "nameEn": "Die store"}},
    )["updateArea"]

    assert payload == {
        "area": {"code": "W1-A2", "name": "模具存放区", "nameEn": "Die store"},
        "errors": [],
    }
    assert AuditEvent.objects.filter(verb="area.updated").exists()


def test_operator_cannot_create_an_area(as_zhang):
    payload = run(
        as_zhang,
        CREATE_AREA,
        {"input": {"code": "W1-A8", "name": "禁区", "kind": "AREA", "parent": area_id("W1")}},
    )["createArea"]

    assert payload["area"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(None, "permission_denied")]
    assert not Area.objects.filter(code="W1-A8").exists()


def test_duplicate_area_code_is_reported_on_the_code_field(as_wang):
    payload = run(
        as_wang,
        CREATE_AREA,
        {"input": {"code": "W1-A1", "name": "重复", "kind": "AREA", "parent": area_id("W1")}},
    )["createArea"]

    assert payload["area"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("code", "duplicate")]
    assert payload["errors"][0]["message"]


def test_area_under_the_wrong_kind_of_parent_is_refused(as_wang):
    payload = run(
        as_wang,
        CREATE_AREA,
        {"input": {"code": "S1-A1", "name": "错层", "kind": "AREA", "parent": area_id("S1")}},
    )["createArea"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("parent", "bad_parent")]


def test_unknown_parent_id_is_not_found(as_wang):
    payload = run(
        as_wang,
        CREATE_AREA,
        {"input": {"code": "W9", "name": "无", "kind": "WORKSHOP", "parent": "QXJlYTphY21lLjA="}},
    )["createArea"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("parent", "not_found")]


# --- equipment --------------------------------------------------------------


def test_admin_adds_and_updates_equipment(as_wang):
    press = global_id("EquipmentType", EquipmentType.objects.get(code="PRESS"))

    created = run(
        as_wang,
        CREATE_EQUIPMENT,
        {
            "input": {
                "code": "P-10",
                "name": "630t press",
                "equipmentType": press,
                "area": area_id("W1-A1"),
                "manufacturer": "Yangli",
                "manufacturedOn": "2019-05-01",
            }
        },
    )["createEquipment"]
    equipment = Equipment.objects.get(code="P-10")
    updated = run(
        as_wang,
        UPDATE_EQUIPMENT,
        {
            "input": {
                "id": global_id("Equipment", equipment),
                "status": "UNDER_REPAIR",
                "area": area_id("W1-A3"),
            }
        },
    )["updateEquipment"]

    assert created["errors"] == []
    assert created["equipment"] == {
        "code": "P-10",
        "name": "630t press",
        "status": "IN_SERVICE",
        "manufacturedOn": "2019-05-01",
        "area": {"code": "W1-A1"},
        "equipmentType": {"code": "PRESS"},
    }
    assert updated == {
        "equipment": {"code": "P-10", "status": "UNDER_REPAIR", "area": {"code": "W1-A3"}},
        "errors": [],
    }


def test_equipment_with_an_area_id_as_its_type_is_not_found(as_wang):
    payload = run(
        as_wang,
        CREATE_EQUIPMENT,
        {
            "input": {
                "code": "P-11",
                "name": "press",
                "equipmentType": area_id("W1"),
                "area": area_id("W1-A1"),
            }
        },
    )["createEquipment"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("equipmentType", "not_found")]


# --- people -----------------------------------------------------------------


def test_admin_adds_a_person_and_changes_their_roles(as_wang):
    welder = global_id("JobRole", JobRole.objects.get(code="welder"))
    created = run(
        as_wang,
        CREATE_PERSON,
        {
            "input": {
                "email": "Song@Acme.test",
                "fullName": "Song Li",
                "employeeNo": "E1003",
                "pin": "1357",
                "roles": ["OPERATOR"],
                "area": area_id("W3"),
                "jobRole": welder,
            }
        },
    )["createPerson"]
    sun = Person.objects.get(employee_no="E1003")
    updated = run(
        as_wang,
        UPDATE_PERSON,
        {"input": {"id": global_id("Person", sun), "roles": ["TEAM_LEADER"], "isActive": False}},
    )["updatePerson"]

    assert created == {
        "person": {
            "employeeNo": "E1003",
            "name": "Song Li",
            "email": "song@acme.test",
            "roles": ["OPERATOR"],
            "area": {"code": "W3"},
            "jobRole": {"code": "welder"},
        },
        "errors": [],
    }
    assert updated == {
        "person": {"name": "Song Li", "roles": ["TEAM_LEADER"], "isActive": False},
        "errors": [],
    }


def test_person_with_a_taken_email_is_a_duplicate(as_wang):
    payload = run(
        as_wang,
        CREATE_PERSON,
        {"input": {"email": "li@acme.test", "fullName": "Li Two", "employeeNo": "E1004"}},
    )["createPerson"]

    assert payload["person"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("email", "duplicate")]


def test_bad_pin_is_reported_on_the_pin_field(as_wang):
    payload = run(
        as_wang,
        CREATE_PERSON,
        {"input": {"email": "x@acme.test", "fullName": "X", "employeeNo": "E1005", "pin": "12"}},
    )["createPerson"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("pin", "invalid")]


def test_admin_cannot_remove_his_own_admin_role(as_wang, wang):
    payload = run(
        as_wang,
        UPDATE_PERSON,
        {"input": {"id": global_id("Person", wang.person), "roles": ["SAFETY_MANAGER"]}},
    )["updatePerson"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("roles", "invalid")]


def test_operator_cannot_change_even_himself(as_zhang, zhang):
    payload = run(
        as_zhang,
        UPDATE_PERSON,
        {"input": {"id": global_id("Person", zhang.person), "roles": ["ADMIN"]}},
    )["updatePerson"]

    assert [e["code"] for e in payload["errors"]] == ["permission_denied"]
    assert Person.objects.get(pk=zhang.person.pk).roles == ["operator"]


def test_operator_cannot_reach_another_person(as_zhang):
    li = Person.objects.get(employee_no="E1001")

    payload = run(
        as_zhang, UPDATE_PERSON, {"input": {"id": global_id("Person", li), "fullName": "X"}}
    )["updatePerson"]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("id", "not_found")]


# --- API tokens ---------------------------------------------------------------


def test_token_secret_is_returned_once_and_then_works(as_wang, acme_client):
    payload = run(as_wang, CREATE_TOKEN, {"input": {"name": "ERP sync"}})["createApiToken"]
    listed = run(as_wang, VIEWER_TOKENS)["viewer"]["apiTokens"]

    assert payload["errors"] == []
    assert payload["secret"].startswith("slk_")
    assert payload["secret"].startswith(payload["token"]["prefix"])
    assert listed == [{"id": payload["token"]["id"], "name": "ERP sync", "isActive": True}]
    as_wang.logout()
    viewer = run(
        acme_client,
        "query { viewer { email } }",
        HTTP_AUTHORIZATION=f"Bearer {payload['secret']}",
    )
    assert viewer == {"viewer": {"email": "wang@acme.test"}}


def test_token_needs_a_name(as_wang):
    payload = run(as_wang, CREATE_TOKEN, {"input": {"name": "  "}})["createApiToken"]

    assert payload["secret"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("name", "required")]


def test_verifier_cannot_create_a_token(as_zhao):
    payload = run(as_zhao, CREATE_TOKEN, {"input": {"name": "mine"}})["createApiToken"]

    assert [e["code"] for e in payload["errors"]] == ["permission_denied"]
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it(as_wang, acme_client):
    created = run(as_wang, CREATE_TOKEN, {"input": {"name": "short-lived"}})["createApiToken"]

    revoked = run(as_wang, REVOKE_TOKEN, {"input": {"id": created["token"]["id"]}})

    assert revoked["revokeApiToken"]["errors"] == []
    assert revoked["revokeApiToken"]["token"]["isActive"] is False
    as_wang.logout()
    response = acme_client.post(
        "/graphql/",
        data={"query": "{ viewer { email } }"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {created['secret']}",
    )
    assert response.status_code == 401


def test_operator_cannot_revoke_someone_elses_token(as_zhang, li):
    token, _secret = create_api_token(by=li, name="Li's bridge")

    payload = run(as_zhang, REVOKE_TOKEN, {"input": {"id": global_id("ApiToken", token)}})

    assert [(e["field"], e["code"]) for e in payload["revokeApiToken"]["errors"]] == [
        ("id", "not_found")
    ]
    assert ApiToken.objects.get(pk=token.pk).is_active
