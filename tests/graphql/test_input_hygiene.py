"""Bad input is the client's mistake and comes back as one, never as a database or
Python message: NUL bytes, null for a value that must be there, text too long,
cursors that were never issued.

Wang is Acme's admin; everything here is his to change.
"""

from __future__ import annotations

import base64

import pytest

from safeloop.graphql.nodes import global_id
from safeloop.tenants.accounts.models import ApiToken
from safeloop.tenants.facilities.models import Area, Equipment, EquipmentType
from tests.graphql.conftest import post, run

pytestmark = pytest.mark.django_db

ERRORS = "errors { field code message }"
CREATE_TOKEN = f"""
mutation ($input: CreateApiTokenInput!) {{
  createApiToken(input: $input) {{ secret {ERRORS} }}
}}
"""
UPDATE_EQUIPMENT = f"""
mutation ($input: UpdateEquipmentInput!) {{
  updateEquipment(input: $input) {{ equipment {{ serialNumber }} {ERRORS} }}
}}
"""
UPDATE_AREA = f"""
mutation ($input: UpdateAreaInput!) {{
  updateArea(input: $input) {{ area {{ name }} {ERRORS} }}
}}
"""
AREAS_AFTER = (
    "query ($after: String) { areas(first: 2, after: $after) { edges { node { code } } } }"
)
AREAS_SEARCH = "query ($search: String) { areas(filters: {search: $search}) { totalCount } }"


@pytest.fixture
def press(wang):
    return Equipment.objects.create(
        code="QC-P1",
        name="冲床",
        equipment_type=EquipmentType.objects.get(code="PRESS"),
        area=Area.objects.get(code="W1-A1"),
        serial_number="YL-2019-0042",
    )


def _top_level_error(response) -> dict:
    body = response.json()
    assert response.status_code == 200, body
    [error] = body["errors"]
    return error


def test_nul_byte_in_a_token_name_is_a_field_error(as_wang):
    payload = run(as_wang, CREATE_TOKEN, {"input": {"name": "ERP\x00sync"}})["createApiToken"]

    assert payload["secret"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("name", "invalid")]
    assert payload["errors"][0]["message"] == "文字中不能含有控制字符。"
    assert not ApiToken.objects.exists()


def test_nul_byte_message_in_english(as_wang, wang):
    from safeloop.tenants.facilities.models import Person

    Person.objects.filter(user=wang).update(language="en")

    payload = run(as_wang, CREATE_TOKEN, {"input": {"name": "\x00"}})["createApiToken"]

    assert payload["errors"][0]["message"] == "Text may not contain control characters."


def test_nul_byte_in_a_query_argument_is_a_clear_error(as_wang):
    error = _top_level_error(post(as_wang, AREAS_SEARCH, {"search": "W1\x00"}))

    assert error["extensions"]["code"] == "invalid"
    assert error["message"] == "文字中不能含有控制字符。"


def test_null_serial_number_is_required_not_a_database_error(as_wang, press):
    response = post(
        as_wang,
        UPDATE_EQUIPMENT,
        {"input": {"id": global_id("Equipment", press), "serialNumber": None}},
    )

    body = response.json()
    assert "errors" not in body, body
    payload = body["data"]["updateEquipment"]
    assert payload["equipment"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("serialNumber", "required")]
    assert press.qr_token not in response.content.decode()
    press.refresh_from_db()
    assert press.serial_number == "YL-2019-0042"


def test_null_area_name_is_required(as_wang):
    area = Area.objects.get(code="W1-A1")

    payload = run(as_wang, UPDATE_AREA, {"input": {"id": global_id("Area", area), "name": None}})[
        "updateArea"
    ]

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("name", "required")]


def _cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "x",  # not base64
        _cursor("arrayconnection"),  # no offset
        _cursor("arrayconnection:abc"),  # offset not a number
        _cursor("arrayconnection:-1"),  # negative
        _cursor("Area:acme.1"),  # a node ID, not a cursor
        "////",  # base64 of bytes that are not text
    ],
)
def test_bad_cursor_is_invalid_cursor(as_wang, cursor):
    error = _top_level_error(post(as_wang, AREAS_AFTER, {"after": cursor}))

    assert error["message"] == "Invalid cursor"
    assert error["extensions"] == {"code": "invalid_cursor"}


def test_bad_cursor_written_in_the_query(as_wang):
    query = 'query { areas(before: "x", last: 1) { totalCount } }'

    error = _top_level_error(post(as_wang, query))

    assert error["extensions"] == {"code": "invalid_cursor"}


def test_a_refused_query_sent_again_is_refused_again(as_wang):
    # An integration retrying the same broken document gets the same answer each time.
    query = 'query { areas(before: "x", last: 1) { totalCount } }'

    first = _top_level_error(post(as_wang, query))
    second = _top_level_error(post(as_wang, query))

    assert first["extensions"] == second["extensions"] == {"code": "invalid_cursor"}


def test_a_query_that_passed_is_checked_again_when_sent_with_variables(as_wang):
    run(as_wang, AREAS_AFTER)  # the first page: no variables

    error = _top_level_error(post(as_wang, AREAS_AFTER, {"after": "not-a-cursor"}))

    assert error["extensions"] == {"code": "invalid_cursor"}


def test_cursor_from_a_previous_page_still_pages(as_wang):
    first = run(
        as_wang, "query { areas(first: 2) { pageInfo { endCursor } edges { node { code } } } }"
    )
    cursor = first["areas"]["pageInfo"]["endCursor"]

    second = run(as_wang, AREAS_AFTER, {"after": cursor})["areas"]["edges"]

    assert len(second) == 2
    assert {e["node"]["code"] for e in second}.isdisjoint(
        e["node"]["code"] for e in first["areas"]["edges"]
    )


def test_id_that_is_no_global_id_is_invalid_input(as_wang):
    error = _top_level_error(post(as_wang, 'query { area(id: "") { code } }'))

    assert error["message"] == 'Value cannot represent a GlobalID: "".'
    assert error["extensions"] == {"code": "invalid"}


@pytest.mark.parametrize("paging", ["first: 101", "last: -1"])
def test_page_size_out_of_range_is_invalid(as_wang, paging):
    error = _top_level_error(post(as_wang, f"query {{ areas({paging}) {{ totalCount }} }}"))

    assert error["message"] in (
        "Argument 'first' must be between 0 and 100.",
        "Argument 'last' must be between 0 and 100.",
    )
    assert error["extensions"] == {"code": "invalid"}
