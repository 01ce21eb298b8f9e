"""Doing inspections through the API: submit answers with photos (multipart upload
keyed to items), skip a point of a task, report a failed item as a hazard in one call.

Zhang San (operator, W1) inspects the press line W1-A1, whose checklist is the
template's DAILY-AREA: twelve pass/fail items, the temperature (5–35 °C), an
overall condition, a photo and a remark. Hazards found in W1 are routed to Li Na.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.tenants.facilities.models import Area
from safeloop.tenants.hazards.models import Hazard, State
from safeloop.tenants.inspections.models import (
    Answer,
    Checklist,
    Inspection,
    InspectionTask,
    Point,
    TaskPoint,
    TaskState,
)
from tests.graphql.conftest import ENDPOINT, run
from tests.graphql.test_hazards_mutations import codes, gid
from tests.graphql.test_inspections_query_counts import make_tasks
from tests.inspections.conftest import make_photo

pytestmark = pytest.mark.django_db

ERRORS = "errors { field code message }"
SUBMIT = """
mutation ($input: SubmitInspectionInput!) {
  submitInspection(input: $input) {
    inspection {
      id result submittedAt farFromPoint tooFast isFlagged distanceM
      point { code }
      task { id state }
      checklistVersion { number checklist { code } }
      answers { id passed valueNumber valueChoice hasPhoto photoUrl item { id kind } }
    }
    errors { field code message item }
  }
}
"""
START = f"""
mutation ($input: StartInspectionInput!) {{
  startInspection(input: $input) {{
    inspection {{ id submittedAt checklistVersion {{ checklist {{ code }} items {{ id kind }} }} }}
    {ERRORS}
  }}
}}
"""
SKIP = f"""
mutation ($input: SkipTaskPointInput!) {{
  skipTaskPoint(input: $input) {{
    taskPoint {{ state skippedReason task {{ state }} }}
    {ERRORS}
  }}
}}
"""
TO_HAZARD = f"""
mutation ($input: CreateHazardFromAnswerInput!) {{
  createHazardFromAnswer(input: $input) {{
    number
    hazard {{ number state grade description area {{ code }} photos {{ stage }} }}
    answer {{ hazard {{ number }} }}
    {ERRORS}
  }}
}}
"""


def press_line() -> Point:
    return Point.objects.for_target(Area.objects.get(code="W1-A1"))


def daily_items():
    return list(Checklist.objects.get(code="DAILY-AREA").current_version.items.all())


def passing_answers(items) -> list[dict]:
    """Answers that pass every item of DAILY-AREA (the photo goes in `photos`)."""
    answers = []
    for item in items:
        if item.kind == "pass_fail":
            answers.append({"item": gid(item), "passed": True})
        elif item.kind == "number":
            answers.append({"item": gid(item), "number": "21.5"})
        elif item.kind == "choice":
            answers.append({"item": gid(item), "value": item.choices[0]})
        elif item.kind == "text":
            answers.append({"item": gid(item), "value": "all in order"})
    return answers


def item_of(items, kind: str):
    return next(item for item in items if item.kind == kind)


def submit(client, variables: dict, photos: dict | None = None) -> dict:
    """submitInspection as a phone sends it: a multipart request whose files are
    mapped to ``variables.input.photos.<n>.photo`` (the GraphQL multipart spec)."""
    photos = photos or {}
    variables = {"input": {**variables, "photos": []}}
    form, file_map = {}, {}
    for n, (item, upload) in enumerate(photos.items()):
        variables["input"]["photos"].append({"item": gid(item), "photo": None})
        file_map[str(n)] = [f"variables.input.photos.{n}.photo"]
        form[str(n)] = upload
    form["operations"] = json.dumps({"query": SUBMIT, "variables": variables})
    form["map"] = json.dumps(file_map)
    response = client.post(ENDPOINT, data=form)
    as_json = response.json()
    assert response.status_code == 200, as_json
    assert "errors" not in as_json, as_json["errors"]
    return as_json["data"]["submitInspection"]


def started(minutes: int = 3) -> str:
    return (timezone.now() - timedelta(minutes=minutes)).isoformat()


# --- submitting ---------------------------------------------------------------------------


def test_a_failed_number_fails_the_inspection_and_becomes_a_routed_hazard_in_one_call(
    as_zhang, liu
):
    # given Zhang's round of the press line, where it is 41.5 °C
    items = daily_items()
    temperature = item_of(items, "number")
    answers = passing_answers(items)
    for answer in answers:
        if answer["item"] == gid(temperature):
            answer["number"] = "41.5"
    variables = {
        "point": gid(press_line()),
        "answers": answers,
        "latitude": "31.2304",
        "longitude": "121.4737",
        "startedAt": started(),
    }

    # when he submits it with the photo, then reports the hot item
    payload = submit(as_zhang, variables, {item_of(items, "photo"): make_photo()})
    inspection = payload["inspection"]
    failed = [a for a in inspection["answers"] if a["passed"] is False]
    hazard = run(as_zhang, TO_HAZARD, {"input": {"answer": failed[0]["id"]}})[
        "createHazardFromAnswer"
    ]

    # then the inspection failed on that item alone, and the hazard went to W1's owner, its
    # director Liu (Li, the team leader, signs it off)
    assert payload["errors"] == []
    assert inspection["result"] == "FAIL" and inspection["submittedAt"]
    assert inspection["isFlagged"] is False
    assert inspection["checklistVersion"] == {"number": 1, "checklist": {"code": "DAILY-AREA"}}
    assert [(a["item"]["id"], a["valueNumber"]) for a in failed] == [(gid(temperature), "41.500")]
    assert [a["hasPhoto"] for a in inspection["answers"] if a["item"]["kind"] == "PHOTO"] == [True]
    photo_urls = [a["photoUrl"] for a in inspection["answers"] if a["item"]["kind"] == "PHOTO"]
    assert photo_urls[0].startswith("/i/answers/") and photo_urls[0].endswith("/photo/")
    assert hazard["errors"] == []
    assert hazard["hazard"]["state"] == "ASSIGNED"
    assert hazard["hazard"]["area"] == {"code": "W1-A1"}
    assert "41.5" in hazard["hazard"]["description"]
    assert hazard["answer"] == {"hazard": {"number": hazard["number"]}}
    stored = Hazard.objects.get(number=hazard["number"])
    assert stored.assignee == liu.person and stored.state == State.ASSIGNED


def test_submitting_the_last_point_of_my_task_closes_it(as_zhang):
    task = make_tasks(1)[0]  # W1-A1 and W1-A2, due now
    TaskPoint.objects.filter(task=task, order=2).delete()
    items = daily_items()

    payload = submit(
        as_zhang,
        {"point": gid(press_line()), "answers": passing_answers(items), "startedAt": started()},
        {item_of(items, "photo"): make_photo()},
    )

    assert payload["errors"] == []
    assert payload["inspection"]["result"] == "PASS"
    assert payload["inspection"]["task"] == {"id": gid(task), "state": "DONE"}
    assert InspectionTask.objects.get(pk=task.pk).state == TaskState.DONE


def test_answering_at_once_from_far_away_is_flagged_not_refused(as_zhang, wang):
    from safeloop.tenants.inspections.services import set_point_location

    point = set_point_location(press_line(), by=wang, latitude="31.2304", longitude="121.4737")
    items = daily_items()

    payload = submit(
        as_zhang,
        {
            "point": gid(point),
            "answers": passing_answers(items),
            "latitude": "31.2504",  # some 2 km north
            "longitude": "121.4737",
            "startedAt": timezone.now().isoformat(),
        },
        {item_of(items, "photo"): make_photo()},
    )

    inspection = payload["inspection"]
    assert inspection["result"] == "PASS"
    assert inspection["farFromPoint"] is True and inspection["tooFast"] is True
    assert inspection["distanceM"] > 2000


def test_missing_answers_and_photo_come_back_naming_the_items(as_zhang):
    items = daily_items()
    temperature, choice = item_of(items, "number"), item_of(items, "choice")
    answers = [a for a in passing_answers(items) if a["item"] != gid(temperature)]

    payload = submit(as_zhang, {"point": gid(press_line()), "answers": answers})

    assert payload["inspection"] is None
    errors = {(e["field"], e["code"], e["item"]) for e in payload["errors"]}
    assert errors == {
        ("answers", "required", gid(temperature)),
        ("photos", "photo_required", gid(item_of(items, "photo"))),
    }
    assert gid(choice) not in {e["item"] for e in payload["errors"]}
    assert not Inspection.objects.exists()  # nothing half-made is left behind


def test_a_number_too_large_to_record_is_out_of_range(as_zhang):
    items = daily_items()
    temperature = item_of(items, "number")
    answers = passing_answers(items)
    for answer in answers:
        if answer["item"] == gid(temperature):
            answer["number"] = "1e20"

    payload = submit(
        as_zhang,
        {"point": gid(press_line()), "answers": answers},
        {item_of(items, "photo"): make_photo()},
    )

    assert [(e["field"], e["code"], e["item"]) for e in payload["errors"]] == [
        ("answers", "out_of_range", gid(temperature))
    ]


def test_a_choice_that_is_not_offered_and_bad_coordinates_are_invalid(as_zhang):
    items = daily_items()
    choice = item_of(items, "choice")
    answers = passing_answers(items)
    for answer in answers:
        if answer["item"] == gid(choice):
            answer["value"] = "excellent"

    not_offered = submit(
        as_zhang,
        {"point": gid(press_line()), "answers": answers},
        {item_of(items, "photo"): make_photo()},
    )
    bad_latitude = submit(
        as_zhang,
        {"point": gid(press_line()), "answers": passing_answers(items), "latitude": "123"},
        {item_of(items, "photo"): make_photo()},
    )

    assert [(e["code"], e["item"]) for e in not_offered["errors"]] == [("invalid", gid(choice))]
    assert [(e["field"], e["code"]) for e in bad_latitude["errors"]] == [("latitude", "invalid")]


def test_another_enterprises_point_or_item_is_not_found(as_zhang, globex):
    with tenant_context(globex):
        globex_point = Point.objects.for_target(Area.objects.filter(kind="area").first())
        globex_point_id = gid(globex_point)
        globex_item = Checklist.objects.exclude(current_version=None).first().current_version
        globex_item_id = gid(globex_item.items.first())

    foreign_point = submit(as_zhang, {"point": globex_point_id, "answers": []})
    foreign_item = submit(
        as_zhang,
        {"point": gid(press_line()), "answers": [{"item": globex_item_id, "passed": True}]},
    )

    assert [(e["field"], e["code"]) for e in foreign_point["errors"]] == [("point", "not_found")]
    assert [(e["field"], e["code"]) for e in foreign_item["errors"]] == [("answers", "not_found")]
    assert not Inspection.objects.exists()


def test_a_verifier_cannot_inspect(as_zhao):
    payload = submit(as_zhao, {"point": gid(press_line()), "answers": []})

    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("point", "not_found")]


def test_start_inspection_pins_the_version_and_submitting_finishes_it(as_zhang):
    opened = run(as_zhang, START, {"input": {"point": gid(press_line())}})["startInspection"]
    items = daily_items()
    Inspection.objects.filter(pk=Inspection.objects.get().pk).update(
        started_at=timezone.now() - timedelta(minutes=5)
    )

    payload = submit(
        as_zhang,
        {"point": gid(press_line()), "answers": passing_answers(items)},
        {item_of(items, "photo"): make_photo()},
    )

    draft = opened["inspection"]
    assert opened["errors"] == [] and draft["submittedAt"] is None
    assert draft["checklistVersion"]["checklist"]["code"] == "DAILY-AREA"
    assert len(draft["checklistVersion"]["items"]) == len(items)
    assert payload["inspection"]["id"] == draft["id"]  # the draft, now submitted
    assert payload["inspection"]["tooFast"] is False


# --- skipping and reporting ---------------------------------------------------------------


def test_skipping_a_point_needs_a_reason_and_the_last_one_closes_the_task(as_zhang):
    task = make_tasks(1)[0]
    first, second = TaskPoint.objects.filter(task=task).order_by("order")
    TaskPoint.objects.filter(pk=first.pk).update(skipped_at=timezone.now(), skipped_reason="x")

    no_reason = run(as_zhang, SKIP, {"input": {"taskPoint": gid(second), "reason": " "}})
    skipped = run(
        as_zhang,
        SKIP,
        {"input": {"taskPoint": gid(second), "reason": "Line stopped for a die change"}},
    )

    assert codes(no_reason["skipTaskPoint"]) == [("reason", "required")]
    assert skipped["skipTaskPoint"] == {
        "taskPoint": {
            "state": "SKIPPED",
            "skippedReason": "Line stopped for a die change",
            "task": {"state": "DONE"},
        },
        "errors": [],
    }


def test_someone_elses_task_point_is_not_found(as_zhang):
    task = make_tasks(1, assignee="E1001")[0]  # Li's
    task_point = TaskPoint.objects.filter(task=task).first()

    payload = run(as_zhang, SKIP, {"input": {"taskPoint": gid(task_point), "reason": "No"}})

    assert codes(payload["skipTaskPoint"]) == [("taskPoint", "not_found")]


def test_a_passed_answer_cannot_become_a_hazard(as_zhang):
    items = daily_items()
    payload = submit(
        as_zhang,
        {"point": gid(press_line()), "answers": passing_answers(items), "startedAt": started()},
        {item_of(items, "photo"): make_photo()},
    )
    passed = Answer.objects.filter(passed=True).first()

    result = run(as_zhang, TO_HAZARD, {"input": {"answer": gid(passed)}})

    assert payload["inspection"]["result"] == "PASS"
    assert codes(result["createHazardFromAnswer"]) == [("answer", "not_failed")]
    assert not Hazard.objects.exists()


def test_someone_elses_answer_is_not_found(as_zhang, acme_client, li):
    from tests.graphql.test_inspections_query_counts import make_inspections

    inspection = make_inspections(1, inspector="E1001")[0]  # Li's
    answer = inspection.answers.first()
    Answer.objects.filter(pk=answer.pk).update(passed=False, value_bool=False)

    result = run(as_zhang, TO_HAZARD, {"input": {"answer": gid(answer)}})

    assert codes(result["createHazardFromAnswer"]) == [("answer", "not_found")]
    assert not Hazard.objects.exists()
