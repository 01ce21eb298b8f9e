"""不适用 (not applicable) answers: offered only where an item allows them, never a
pass, never a fail, never a hazard.

Wang writes the press line's own checklist: three pass/fail items and a number,
of which "冷却液液位" may not apply (the line runs dry some weeks). Zhang San
operates the press line and answers it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.inspections.models import Answer
from safeloop.tenants.inspections.services import (
    bind_checklist,
    create_checklist,
    create_hazard_from_answer,
    start_inspection,
    submit_inspection,
)
from safeloop.tenants.inspections.services.stats import answer_tally
from safeloop.tenants.inspections.tally import Tally, tally_answers

pytestmark = pytest.mark.django_db

ITEMS = [
    {"kind": "pass_fail", "label": "安全联锁有效"},
    {"kind": "pass_fail", "label": "防护罩完好"},
    {"kind": "pass_fail", "label": "冷却液液位正常", "allows_na": True},
    {"kind": "pass_fail", "label": "急停按钮有效"},
]


@pytest.fixture
def press_line(wang, area_point):
    checklist = create_checklist(by=wang, code="PRESS-NA", name="冲压线点检", items=ITEMS)
    bind_checklist(checklist, by=wang, point=area_point)
    return checklist


def _items(inspection):
    return list(inspection.checklist_version.items.order_by("order"))


def _submit(point, by, values):
    at = timezone.now()
    inspection = start_inspection(point, by=by, at=at - timedelta(minutes=2))
    answers = {item.pk: value for item, value in zip(_items(inspection), values, strict=True)}
    return submit_inspection(inspection, by=by, answers=answers, at=at)


def test_the_template_item_keeps_allows_na(press_line):
    labels = {i.label: i.allows_na for i in press_line.current_version.items.all()}

    assert labels == {
        "安全联锁有效": False,
        "防护罩完好": False,
        "冷却液液位正常": True,
        "急停按钮有效": False,
    }


def test_a_not_applicable_answer_is_no_pass_two_of_three_not_three_of_four(
    zhang, area_point, press_line
):
    # given: two passes, one fail, one 不适用
    inspection = _submit(area_point, zhang, ["pass", "fail", "na", "pass"])

    # then
    answers = list(inspection.answers.all())
    tally = tally_answers(answers)
    assert tally == Tally(passed=2, failed=1, not_applicable=1)
    assert tally.pass_rate == pytest.approx(2 / 3, abs=1e-4)  # not 3 of 4
    na = inspection.answers.get(item__label="冷却液液位正常")
    assert na.not_applicable is True and na.passed is None and na.value_bool is None
    assert inspection.result == "fail"  # because of the one real fail


def test_all_passes_and_one_not_applicable_is_a_passed_inspection_at_100_percent(
    zhang, area_point, press_line
):
    inspection = _submit(area_point, zhang, ["pass", "pass", "na", "pass"])

    assert inspection.result == "pass"
    assert tally_answers(inspection.answers.all()).pass_rate == 1.0


def test_the_period_tally_counts_not_applicable_apart(wang, zhang, area_point, press_line):
    start = timezone.now() - timedelta(hours=1)
    _submit(area_point, zhang, ["pass", "fail", "na", "pass"])

    tally = answer_tally(by=wang, start=start, end=timezone.now() + timedelta(hours=1))

    assert (tally.passed, tally.failed, tally.not_applicable) == (2, 1, 1)
    assert tally.pass_rate == pytest.approx(0.6667)


def test_not_applicable_is_refused_on_an_item_that_does_not_allow_it(zhang, area_point, press_line):
    with pytest.raises(ValidationError) as raised:
        _submit(area_point, zhang, ["na", "pass", "pass", "pass"])

    first = _items(start_inspection(area_point, by=zhang))[0]
    errors = raised.value.error_dict[f"item_{first.pk}"]
    assert errors[0].code == "na_not_allowed"
    assert not Answer.objects.filter(item=first).exists()


def test_a_not_applicable_answer_never_becomes_a_hazard(zhang, area_point, press_line):
    inspection = _submit(area_point, zhang, ["pass", "pass", "na", "pass"])
    na = inspection.answers.get(not_applicable=True)

    with pytest.raises(ValidationError) as raised:
        create_hazard_from_answer(na, by=zhang)

    assert raised.value.error_dict["answer"][0].code == "not_failed"
    na.refresh_from_db()
    assert na.hazard_id is None


def test_the_audit_event_counts_the_not_applicable_answers(zhang, area_point, press_line):
    inspection = _submit(area_point, zhang, ["pass", "pass", "na", "pass"])

    event = AuditEvent.objects.get(verb="inspection.submitted", object_id=str(inspection.pk))
    assert event.data["not_applicable"] == 1


def test_the_result_page_shows_the_tally(as_zhang, zhang, area_point, press_line):
    inspection = _submit(area_point, zhang, ["pass", "fail", "na", "pass"])

    page = as_zhang.get(reverse("inspections:result", args=[inspection.pk])).content.decode()

    assert 'data-testid="tally" data-passed="2" data-failed="1" data-not-applicable="1"' in page
    assert "67 %" in page


def test_the_form_offers_not_applicable_only_where_the_item_allows_it(
    as_zhang, area_point, press_line
):
    page = as_zhang.get(f"/q/{area_point.target.qr_token}/").content.decode()

    assert page.count('value="na"') == 1
    assert 'data-testid="item-3-na"' in page


def test_the_page_form_posts_not_applicable_without_script_for_pass_fail_and_number(
    as_zhang, wang, area_point
):
    # given a checklist whose pass/fail and number items may not apply
    from safeloop.tenants.inspections.forms import sign_opened

    items = [
        {"kind": "pass_fail", "label": "防护罩完好"},
        {"kind": "pass_fail", "label": "冷却液液位正常", "allows_na": True},
        {"kind": "number", "label": "冷却液温度", "unit": "℃", "number_max": 40, "allows_na": True},
    ]
    checklist = create_checklist(by=wang, code="PRESS-NA2", name="冲压线点检", items=items)
    bind_checklist(checklist, by=wang, point=area_point)
    guard, coolant, temperature = checklist.current_version.items.order_by("order")
    opened = sign_opened(checklist.current_version, timezone.now() - timedelta(minutes=3))

    # when the form is posted as a browser without script sends it: the radio's value
    # and the number's 不适用 box (which wins over a number typed before it)
    sent = as_zhang.post(
        f"/q/{area_point.target.qr_token}/",
        {
            "form": "checklist",
            "started": opened,
            f"item_{guard.pk}": "pass",
            f"item_{coolant.pk}": "na",
            f"item_{temperature.pk}": "55",
            f"na_{temperature.pk}": "1",
        },
    )

    # then
    assert sent.status_code == 302
    answers = {a.item_id: a for a in Answer.objects.filter(inspection__point=area_point)}
    assert answers[guard.pk].passed is True
    assert answers[coolant.pk].not_applicable and answers[coolant.pk].passed is None
    assert answers[temperature.pk].not_applicable and answers[temperature.pk].value_number is None


def test_the_completion_page_shows_the_period_tally(as_wang, zhang, area_point, press_line):
    _submit(area_point, zhang, ["pass", "fail", "na", "pass"])

    page = as_wang.get(reverse("inspections:completion")).content.decode()

    assert 'data-passed="2" data-failed="1" data-not-applicable="1"' in page
    assert "不适用 1" in page
