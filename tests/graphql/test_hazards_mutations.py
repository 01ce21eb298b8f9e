"""The hazard loop through the API: each step calls the service; failures come back
in the payload as ``errors { field code message }``.

Zhang (operator) reports a missing guard in W1-A1; routing gives it to the
fitter Ma, who fixes it with photos sent as a multipart upload and his signature;
Li (team leader of W1) signs it off. Photos travel by the GraphQL multipart
request spec, as a phone's browser sends them.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django_tenants.utils import tenant_context

from safeloop.graphql.nodes import global_id
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.models import Area, Person
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import (
    DeadlineExtension,
    Hazard,
    HazardPhoto,
    LibraryEntry,
    PhotoStage,
    State,
)
from tests.graphql.conftest import ENDPOINT, post, run
from tests.hazards.conftest import make_photo, make_signature

pytestmark = pytest.mark.django_db

ERRORS = "errors { field code message }"
HAZARD_FIELDS = "number state grade isNearMiss closedAt photos { stage url }"
REPORT = f"""
mutation ($input: ReportHazardInput!) {{
  reportHazard(input: $input) {{ number hazard {{ {HAZARD_FIELDS} }} {ERRORS} }}
}}
"""
START = f"""
mutation ($input: HazardIdInput!) {{
  startRectification(input: $input) {{ hazard {{ state }} {ERRORS} }}
}}
"""
SUBMIT = f"""
mutation ($input: SubmitRectificationInput!) {{
  submitRectification(input: $input) {{
    hazard {{ state nextAcceptanceLevel photos {{ stage url }}
              rectifications {{ description testResult byName signatureUrl }} }}
    {ERRORS}
  }}
}}
"""
ACCEPT = f"""
mutation ($input: AcceptHazardInput!) {{
  acceptHazard(input: $input) {{
    hazard {{ state closedAt acceptances {{ level decision byName note signatureUrl }} }}
    {ERRORS}
  }}
}}
"""
REJECT = f"""
mutation ($input: RejectHazardInput!) {{
  rejectHazard(input: $input) {{ hazard {{ state }} {ERRORS} }}
}}
"""
REASSIGN = f"""
mutation ($input: ReassignHazardInput!) {{
  reassignHazard(input: $input) {{ hazard {{ state assignee {{ employeeNo }} }} {ERRORS} }}
}}
"""
DISMISS = f"""
mutation ($input: DismissHazardInput!) {{
  dismissHazard(input: $input) {{ hazard {{ state closedAt dismissedReason }} {ERRORS} }}
}}
"""
REQUEST_EXTENSION = f"""
mutation ($input: RequestDeadlineExtensionInput!) {{
  requestDeadlineExtension(input: $input) {{
    extension {{ id state reason requestedByName }} hazard {{ deadline }} {ERRORS}
  }}
}}
"""
DECIDE_EXTENSION = f"""
mutation ($input: DecideDeadlineExtensionInput!) {{
  decideDeadlineExtension(input: $input) {{
    extension {{ state decidedByName }} hazard {{ deadline }} {ERRORS}
  }}
}}
"""


def run_with_files(client, query: str, variables: dict, files: dict[str, list]) -> dict:
    """A multipart request (GraphQL multipart request spec): ``files`` maps an input
    field to the uploads that fill it, e.g. ``{"afterPhotos": [photo]}``."""
    variables = {"input": dict(variables["input"])}
    form, file_map = {}, {}
    for field, uploads in files.items():
        variables["input"][field] = [None] * len(uploads)
        for index, upload in enumerate(uploads):
            key = str(len(file_map))
            file_map[key] = [f"variables.input.{field}.{index}"]
            form[key] = upload
    form["operations"] = json.dumps({"query": query, "variables": variables})
    form["map"] = json.dumps(file_map)
    response = client.post(ENDPOINT, data=form)
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body["errors"]
    return body["data"]


def codes(payload: dict) -> list[tuple[str | None, str]]:
    return [(error["field"], error["code"]) for error in payload["errors"]]


def gid(obj) -> str:
    return global_id(type(obj).__name__, obj)


@pytest.fixture
def guard(zhang) -> Hazard:
    """Zhang's report of a missing guard in W1-A1, assigned to Ma."""
    return services.report_hazard(
        by=zhang,
        area=Area.objects.get(code="W1-A1"),
        library_entry=LibraryEntry.objects.get(code="MECH-004"),
    )


@pytest.fixture
def fixed_guard(guard, ma) -> Hazard:
    """The guard, fixed by Ma and waiting for Li's sign-off."""
    return services.submit_rectification(
        guard,
        by=ma,
        description="Guard refitted",
        after_photos=[make_photo("after.jpg")],
        signature_data_url=make_signature(),
    )


def as_user(client, user):
    client.force_login(user)
    return client


# --- the whole loop ---------------------------------------------------------


def test_the_whole_loop_through_the_api(acme_client, zhang, ma, li):
    # given Zhang reports from W1-A1 with one tap on the library, no photos
    area = Area.objects.get(code="W1-A1")
    entry = LibraryEntry.objects.get(code="MECH-004")
    reported = run(
        as_user(acme_client, zhang),
        REPORT,
        {"input": {"area": gid(area), "libraryEntry": gid(entry)}},
    )["reportHazard"]
    assert reported["errors"] == []
    assert reported["hazard"]["state"] == "ASSIGNED"
    hazard = Hazard.objects.get(number=reported["number"])
    assert hazard.assignee.user == ma
    assert hazard.title == entry.title

    # when Ma starts, then submits the fix with an after-photo and his signature
    as_user(acme_client, ma)
    started = run(acme_client, START, {"input": {"id": gid(hazard)}})["startRectification"]
    assert started == {"hazard": {"state": "RECTIFYING"}, "errors": []}
    submitted = run_with_files(
        acme_client,
        SUBMIT,
        {
            "input": {
                "id": gid(hazard),
                "description": "Guard refitted and bolted",
                "signature": make_signature(),
                "testResult": "Machine will not start without the guard",
            }
        },
        {"afterPhotos": [make_photo("after.jpg")]},
    )["submitRectification"]
    assert submitted["errors"] == []
    assert submitted["hazard"]["state"] == "AWAITING_ACCEPTANCE"
    assert submitted["hazard"]["nextAcceptanceLevel"] == "TEAM_LEADER"
    after = HazardPhoto.objects.get(hazard=hazard, stage=PhotoStage.RECTIFICATION)
    assert submitted["hazard"]["photos"] == [
        {"stage": "RECTIFICATION", "url": f"/h/photo/{after.pk}/"}
    ]
    assert after.width == 1600  # resized and stamped by the service
    rectification = submitted["hazard"]["rectifications"][0]
    assert rectification["byName"] == "Ma Jun"
    assert rectification["signatureUrl"] == f"/h/signature/{hazard.rectifications.get().pk}/"

    # and Li, team leader of W1, signs it off
    accepted = run(
        as_user(acme_client, li),
        ACCEPT,
        {"input": {"id": gid(hazard), "note": "Checked", "signature": make_signature()}},
    )["acceptHazard"]

    # then it is closed, with the whole story in the audit trail
    assert accepted["errors"] == []
    assert accepted["hazard"]["state"] == "CLOSED"
    assert accepted["hazard"]["closedAt"]
    signed = hazard.acceptances.get()
    assert signed.signature.name.startswith("acme/signatures/")
    assert accepted["hazard"]["acceptances"] == [
        {
            "level": "TEAM_LEADER",
            "decision": "ACCEPT",
            "byName": "Li Na",
            "note": "Checked",
            "signatureUrl": f"/h/acceptance-signature/{signed.pk}/",
        }
    ]
    assert list(
        AuditEvent.objects.filter(object_type="hazards.hazard", object_id=str(hazard.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    ) == [
        "hazard.reported",
        "hazard.assigned",
        "hazard.rectifying",
        "hazard.rectified",
        "hazard.accepted",
        "hazard.closed",
    ]


# --- bad input --------------------------------------------------------------


def test_report_needs_an_entry_or_a_description(acme_client, zhang):
    area = Area.objects.get(code="W1-A1")

    payload = run(as_user(acme_client, zhang), REPORT, {"input": {"area": gid(area)}})

    assert codes(payload["reportHazard"]) == [("description", "required")]
    assert payload["reportHazard"]["hazard"] is None
    assert not Hazard.objects.exists()


def test_reject_without_reason_is_refused(acme_client, li, fixed_guard):
    payload = run(
        as_user(acme_client, li), REJECT, {"input": {"id": gid(fixed_guard), "reason": "  "}}
    )["rejectHazard"]

    assert codes(payload) == [("reason", "required")]
    assert Hazard.objects.get(pk=fixed_guard.pk).state == State.AWAITING_ACCEPTANCE


def test_reject_with_reason_sends_it_back(acme_client, li, fixed_guard):
    payload = run(
        as_user(acme_client, li),
        REJECT,
        {"input": {"id": gid(fixed_guard), "reason": "Bolts missing"}},
    )["rejectHazard"]

    assert payload == {"hazard": {"state": "RECTIFYING"}, "errors": []}


def test_starting_twice_is_an_illegal_transition(acme_client, ma, guard):
    as_user(acme_client, ma)
    run(acme_client, START, {"input": {"id": gid(guard)}})

    again = run(acme_client, START, {"input": {"id": gid(guard)}})["startRectification"]

    assert codes(again) == [(None, "illegal_transition")]
    assert again["hazard"] is None


# --- permissions ------------------------------------------------------------


def test_accept_without_a_signature_is_refused_as_on_the_page(acme_client, li, fixed_guard):
    payload = run(
        as_user(acme_client, li), ACCEPT, {"input": {"id": gid(fixed_guard), "signature": ""}}
    )["acceptHazard"]

    assert codes(payload) == [("signature", "signature_missing")]
    assert payload["hazard"] is None
    hazard = Hazard.objects.get(pk=fixed_guard.pk)
    assert hazard.state == State.AWAITING_ACCEPTANCE and not hazard.acceptances.exists()


def test_accept_needs_the_signature_field(acme_client, li, fixed_guard):
    response = post(as_user(acme_client, li), ACCEPT, {"input": {"id": gid(fixed_guard)}})

    assert "signature" in response.json()["errors"][0]["message"]
    assert Hazard.objects.get(pk=fixed_guard.pk).accepted_count == 0


def test_operator_cannot_accept(acme_client, zhang, fixed_guard):
    payload = run(
        as_user(acme_client, zhang),
        ACCEPT,
        {"input": {"id": gid(fixed_guard), "signature": make_signature()}},
    )

    assert codes(payload["acceptHazard"]) == [(None, "permission_denied")]
    assert Hazard.objects.get(pk=fixed_guard.pk).state == State.AWAITING_ACCEPTANCE


def test_only_the_assignee_starts_the_fix(acme_client, li, guard):
    payload = run(as_user(acme_client, li), START, {"input": {"id": gid(guard)}})

    assert codes(payload["startRectification"]) == [(None, "permission_denied")]


def test_operator_cannot_dismiss_his_own_report(acme_client, zhang, guard):
    payload = run(
        as_user(acme_client, zhang), DISMISS, {"input": {"id": gid(guard), "reason": "oops"}}
    )

    assert codes(payload["dismissHazard"]) == [(None, "permission_denied")]


def test_invisible_hazard_is_not_found(acme_client, zhang, wang):
    theirs = services.report_hazard(
        by=wang, area=Area.objects.get(code="W2-A1"), description="Blocked fire exit"
    )

    payload = run(
        as_user(acme_client, zhang), DISMISS, {"input": {"id": gid(theirs), "reason": "x"}}
    )

    assert codes(payload["dismissHazard"]) == [("id", "not_found")]


def test_hazard_of_another_enterprise_is_not_found(acme_client, wang, globex):
    with tenant_context(globex):
        chen = Person.objects.get(user__email="chen@globex.test").user
        theirs = services.report_hazard(
            by=chen, area=Area.objects.filter(kind="area").first(), description="Wet floor"
        )
        theirs_id = gid(theirs)

    payload = run(
        as_user(acme_client, wang), DISMISS, {"input": {"id": theirs_id, "reason": "hijack"}}
    )

    assert codes(payload["dismissHazard"]) == [("id", "not_found")]
    with tenant_context(globex):
        assert Hazard.objects.get(pk=theirs.pk).state != State.DISMISSED


def test_report_in_an_area_of_another_enterprise_is_not_found(acme_client, zhang, globex):
    with tenant_context(globex):
        their_area = gid(Area.objects.filter(kind="area").first())

    payload = run(
        as_user(acme_client, zhang), REPORT, {"input": {"area": their_area, "description": "x"}}
    )

    assert codes(payload["reportHazard"]) == [("area", "not_found")]


# --- dismiss, reassign, deadlines -------------------------------------------


def test_safety_officer_dismisses_a_report(acme_client, sun, guard):
    payload = run(
        as_user(acme_client, sun),
        DISMISS,
        {"input": {"id": gid(guard), "reason": "Guard is stored beside the machine by design"}},
    )["dismissHazard"]

    assert payload["errors"] == []
    assert payload["hazard"]["state"] == "DISMISSED"
    assert payload["hazard"]["closedAt"]


def test_manager_reassigns_to_the_electrician(acme_client, wang, guard):
    qian = Person.objects.get(employee_no="M3002")

    payload = run(
        as_user(acme_client, wang),
        REASSIGN,
        {"input": {"id": gid(guard), "assignee": gid(qian), "reason": "Wiring behind it"}},
    )["reassignHazard"]

    assert payload == {
        "hazard": {"state": "ASSIGNED", "assignee": {"employeeNo": "M3002"}},
        "errors": [],
    }


def test_reassign_needs_a_reason(acme_client, wang, guard):
    qian = Person.objects.get(employee_no="M3002")

    payload = run(
        as_user(acme_client, wang),
        REASSIGN,
        {"input": {"id": gid(guard), "assignee": gid(qian), "reason": ""}},
    )["reassignHazard"]

    assert codes(payload) == [("reason", "required")]


def test_assignee_asks_for_more_time_and_the_manager_approves(acme_client, ma, wang, guard):
    later = guard.deadline + timedelta(days=2)

    requested = run(
        as_user(acme_client, ma),
        REQUEST_EXTENSION,
        {"input": {"id": gid(guard), "newDeadline": later.isoformat(), "reason": "Part on order"}},
    )["requestDeadlineExtension"]
    assert requested["errors"] == []
    assert requested["extension"]["state"] == "PENDING"
    assert requested["extension"]["requestedByName"] == "Ma Jun"

    decided = run(
        as_user(acme_client, wang),
        DECIDE_EXTENSION,
        {"input": {"id": requested["extension"]["id"], "approve": True}},
    )["decideDeadlineExtension"]

    assert decided["errors"] == []
    assert decided["extension"] == {"state": "APPROVED", "decidedByName": "Wang Wei"}
    assert Hazard.objects.get(pk=guard.pk).deadline == later


def test_extension_must_be_later_than_the_deadline(acme_client, ma, guard):
    earlier = guard.deadline - timedelta(hours=1)

    payload = run(
        as_user(acme_client, ma),
        REQUEST_EXTENSION,
        {"input": {"id": gid(guard), "newDeadline": earlier.isoformat(), "reason": "x"}},
    )["requestDeadlineExtension"]

    assert codes(payload) == [("newDeadline", "invalid")]


def test_team_leader_cannot_decide_an_extension(acme_client, ma, li, guard):
    extension = services.request_extension(
        guard, by=ma, new_deadline=guard.deadline + timedelta(days=1), reason="Part on order"
    )

    payload = run(
        as_user(acme_client, li),
        DECIDE_EXTENSION,
        {"input": {"id": gid(extension), "approve": True}},
    )["decideDeadlineExtension"]

    assert codes(payload) == [(None, "permission_denied")]
    assert DeadlineExtension.objects.get(pk=extension.pk).state == "pending"
