"""A bug in a resolver never shows its message to the client: an error id does.

The client reads "Something went wrong on our side. Quote error id … to support."
in the request language with ``extensions {code: "internal_error", errorId}``; the
log holds the traceback under the same id and the enterprise's schema. GraphQL's
own parse and validation messages are for the client and stay as they are.
"""

from __future__ import annotations

import logging
import re

import pytest

from safeloop.graphql.accounts import mutations as accounts_mutations
from tests.graphql.conftest import post

pytestmark = pytest.mark.django_db

CREATE_TOKEN = """
mutation ($input: CreateApiTokenInput!) {
  createApiToken(input: $input) { secret errors { field code message } }
}
"""
SECRET_ROW = 'null value in column "serial_number" DETAIL: Failing row contains (qr-4f2a)'


@pytest.fixture
def token_service_bug(monkeypatch):
    """A fault injected into the token service: what an unforeseen bug looks like."""

    def broken(**kwargs):
        raise RuntimeError(SECRET_ROW)

    monkeypatch.setattr(accounts_mutations.services, "create_api_token", broken)


def _only_error(response) -> dict:
    body = response.json()
    assert response.status_code == 200, body
    [error] = body["errors"]
    return error


def test_bug_in_a_mutation_answers_an_error_id_not_its_message(as_wang, token_service_bug, caplog):
    with caplog.at_level(logging.ERROR, logger="safeloop.graphql"):
        response = post(as_wang, CREATE_TOKEN, {"input": {"name": "ERP"}})

    error = _only_error(response)
    error_id = error["extensions"]["errorId"]
    assert re.fullmatch(r"[A-Z0-9]{6}", error_id)
    assert error["extensions"]["code"] == "internal_error"
    # Wang reads Chinese.
    assert error["message"] == f"系统出错了，请把错误编号 {error_id} 提供给技术支持。"
    assert "serial_number" not in response.content.decode()
    assert error["path"] == ["createApiToken"]
    [logged] = [r for r in caplog.records if error_id in r.getMessage()]
    assert "schema acme" in logged.getMessage()
    assert logged.exc_info[0] is RuntimeError
    assert SECRET_ROW in str(logged.exc_info[1])


def test_error_id_message_follows_the_request_language(as_wang, wang, token_service_bug):
    from safeloop.tenants.facilities.models import Person

    Person.objects.filter(user=wang).update(language="en")

    error = _only_error(post(as_wang, CREATE_TOKEN, {"input": {"name": "ERP"}}))

    error_id = error["extensions"]["errorId"]
    assert error["message"] == (
        f"Something went wrong on our side. Quote error id {error_id} to support."
    )


def test_each_failure_gets_its_own_error_id(as_wang, token_service_bug):
    first = _only_error(post(as_wang, CREATE_TOKEN, {"input": {"name": "ERP"}}))
    second = _only_error(post(as_wang, CREATE_TOKEN, {"input": {"name": "ERP"}}))

    assert first["extensions"]["errorId"] != second["extensions"]["errorId"]


def test_graphql_validation_messages_reach_the_client_unchanged(as_wang):
    error = _only_error(post(as_wang, "query { viewer { nosuchfield } }"))

    assert error["message"] == "Cannot query field 'nosuchfield' on type 'Viewer'."
    assert "errorId" not in (error.get("extensions") or {})


def test_syntax_errors_reach_the_client_unchanged(as_wang):
    error = _only_error(post(as_wang, "query { viewer { "))

    assert error["message"].startswith("Syntax Error:")
