"""不适用 (not applicable) answers through the API: CheckItem.allowsNotApplicable,
AnswerInput.notApplicable, Answer.notApplicable and Inspection.tally.

Zhang San (operator, W1) inspects the press line W1-A1 with the template's
DAILY-AREA, where "气瓶直立固定…" may not apply (no cylinders at the press line)
and the fire-exit item always applies.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeloop.tenants.inspections.models import Answer, Inspection
from tests.graphql.conftest import ENDPOINT, run
from tests.graphql.test_hazards_mutations import gid
from tests.graphql.test_inspections_mutations import (
    daily_items,
    item_of,
    passing_answers,
    press_line,
    started,
)
from tests.graphql.test_inspections_query_counts import (
    INSPECTION_QUERIES,
    INSPECTIONS,
    make_inspections,
    queries_for,
)
from tests.inspections.conftest import make_photo

pytestmark = pytest.mark.django_db

SUBMIT_NA = """
mutation ($input: SubmitInspectionInput!) {
  submitInspection(input: $input) {
    inspection {
      result
      tally { passed failed notApplicable passRate }
      answers { passed notApplicable valueBool item { id allowsNotApplicable } }
    }
    errors { field code message item }
  }
}
"""
# The inspection list with each inspection's tally: one query more, whatever the rows.
INSPECTIONS_WITH_TALLY = INSPECTIONS.replace(
    "id startedAt submittedAt result",
    "id startedAt submittedAt result tally { passed failed notApplicable passRate }",
).replace("answers { id passed", "answers { id passed notApplicable")


def _cylinders(items):
    return next(i for i in items if i.label.startswith("气瓶直立固定"))


def _exits(items):
    return next(i for i in items if i.label.startswith("消防通道"))


def _submit(client, answers, photo_item) -> dict:
    variables = {
        "input": {
            "point": gid(press_line()),
            "answers": answers,
            "startedAt": started(),
            "photos": [{"item": gid(photo_item), "photo": None}],
        }
    }
    form = {
        "operations": json.dumps({"query": SUBMIT_NA, "variables": variables}),
        "map": json.dumps({"0": ["variables.input.photos.0.photo"]}),
        "0": make_photo(),
    }
    body = client.post(ENDPOINT, data=form).json()
    assert "errors" not in body, body["errors"]
    return body["data"]["submitInspection"]


def _with(answers, item, **value) -> list[dict]:
    return [({"item": a["item"], **value} if a["item"] == gid(item) else a) for a in answers]


def test_a_not_applicable_answer_is_in_the_tally_and_out_of_the_pass_rate(as_zhang):
    # given every item passes except one that fails, and the cylinders do not apply
    items = daily_items()
    answers = _with(passing_answers(items), _cylinders(items), notApplicable=True)
    answers = _with(answers, _exits(items), passed=False)

    # when
    payload = _submit(as_zhang, answers, item_of(items, "photo"))

    # then
    assert payload["errors"] == []
    inspection = payload["inspection"]
    graded = sum(1 for i in items if i.kind in ("pass_fail", "number", "choice", "photo"))
    passes = graded - 2  # one fail, one 不适用
    assert inspection["tally"] == {
        "passed": passes,
        "failed": 1,
        "notApplicable": 1,
        "passRate": round(passes / (passes + 1), 4),
    }
    na = next(a for a in inspection["answers"] if a["item"]["id"] == gid(_cylinders(items)))
    assert na == {
        "passed": None,
        "notApplicable": True,
        "valueBool": None,
        "item": {"id": gid(_cylinders(items)), "allowsNotApplicable": True},
    }
    assert inspection["result"] == "FAIL"


def test_not_applicable_on_an_item_that_does_not_allow_it_comes_back_naming_the_item(as_zhang):
    items = daily_items()
    answers = _with(passing_answers(items), _exits(items), notApplicable=True)

    payload = _submit(as_zhang, answers, item_of(items, "photo"))

    assert payload["inspection"] is None
    assert [(e["field"], e["code"], e["item"]) for e in payload["errors"]] == [
        ("answers", "na_not_allowed", gid(_exits(items)))
    ]
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("rows", [10, 100])
def test_the_inspection_list_with_tallies_takes_one_query_more_whatever_the_rows(as_wang, rows):
    inspections = make_inspections(rows)
    Answer.objects.filter(inspection=inspections[0]).update(
        not_applicable=True, passed=None, value_bool=None
    )

    with CaptureQueriesContext(connection):
        count = queries_for(as_wang, INSPECTIONS_WITH_TALLY, "inspections", rows)
    data = run(as_wang, INSPECTIONS_WITH_TALLY)["inspections"]["edges"]

    assert count == INSPECTION_QUERIES + 1
    tallies = {e["node"]["id"]: e["node"]["tally"] for e in data}
    first = tallies[gid(inspections[0])]
    assert first == {"passed": 0, "failed": 0, "notApplicable": 2, "passRate": None}
    other = tallies[gid(inspections[1])]
    assert other == {"passed": 2, "failed": 0, "notApplicable": 0, "passRate": 1.0}
