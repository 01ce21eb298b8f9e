"""A failed item on the checklist: its photo and note, and the one-tap hazard they make.

Li Na leads W1's team and checks the press line (DAILY-AREA: twelve pass/fail
items, a temperature, an overall condition, a photo and a remark). One guard is
broken: she marks it failed, photographs it and says what is wrong; the hazard
she makes from it in one tap is titled with the item's short name and starts
with her photo and note. Zhao, a verifier, does not inspect.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from safeloop.tenants.hazards.models import Hazard
from safeloop.tenants.inspections.forms import sign_opened
from safeloop.tenants.inspections.models import CheckItem, Inspection, ItemKind
from safeloop.tenants.inspections.models.checklists import short_name
from tests.inspections.conftest import full_answers, make_photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _hub(point) -> str:
    return f"/q/{point.area.qr_token}/"


def _post(version, *, fail: CheckItem | None = None, **extra) -> dict:
    answers, photos = full_answers(version)
    if fail is not None:
        answers[fail.pk] = "fail"
    data = {f"item_{pk}": value for pk, value in {**answers, **photos}.items()}
    started = sign_opened(version, timezone.now() - timedelta(minutes=3))
    return {"form": "checklist", "started": started, **data, **extra}


def _guard_item(version) -> CheckItem:
    return version.items.get(label="防护罩、安全联锁、急停装置完好有效")


def test_the_photo_and_note_of_a_failed_item_make_the_one_tap_hazard(
    as_li, li, area_point, checklist
):
    # given Li fails the guards item with a photo and a note on the checklist
    version = checklist("DAILY-AREA").current_version
    guards = _guard_item(version)
    sent = as_li.post(
        _hub(area_point),
        _post(
            version,
            fail=guards,
            **{
                f"photo_{guards.pk}": make_photo("guard.jpg", color=(200, 30, 30)),
                f"note_{guards.pk}": "  冲床左侧防护罩缺失  ",
            },
        ),
    )
    assert sent.status_code == 302
    answer = Inspection.objects.get().answers.get(item=guards)
    assert answer.passed is False and answer.photo and answer.note == "冲床左侧防护罩缺失"

    # when she taps "create hazard" on the result
    as_li.post(reverse("inspections:answer_hazard", args=[answer.pk]))

    # then the hazard has the item's short name as its title, her photo and her note
    hazard = Hazard.objects.get()
    assert hazard.title == "防护罩、安全联锁、急停装置完好有效"  # one clause: the whole label
    assert "不合格" not in hazard.title and ":" not in hazard.title
    assert hazard.description.splitlines() == [
        "防护罩、安全联锁、急停装置完好有效：不合格",
        "冲床左侧防护罩缺失",
    ]
    [photo] = hazard.photos.all()
    assert photo.stage == "report" and photo.image.name.startswith("acme/hazards/")


def test_a_long_item_gets_a_short_title_and_a_number_shows_its_reading(
    as_li, area_point, checklist
):
    version = checklist("DAILY-AREA").current_version
    long_item = version.items.get(label="灭火器在位，压力在绿区，在检验有效期内")
    temperature = version.items.get(kind=ItemKind.NUMBER)
    data = _post(version, fail=long_item)
    data[f"item_{temperature.pk}"] = "41"
    as_li.post(_hub(area_point), data)
    inspection = Inspection.objects.get()

    for item in (long_item, temperature):
        answer = inspection.answers.get(item=item)
        as_li.post(reverse("inspections:answer_hazard", args=[answer.pk]))

    by_title = {h.title: h for h in Hazard.objects.all()}
    assert set(by_title) == {"灭火器在位", "作业区温度"}
    assert by_title["作业区温度"].description == "作业区温度：41 ℃ (5.000–35.000)"
    assert by_title["作业区温度"].photos.count() == 0  # nothing photographed: no photo


def test_an_unreadable_finding_photo_is_shown_beside_its_item_and_nothing_is_saved(
    as_li, area_point, checklist
):
    version = checklist("DAILY-AREA").current_version
    guards = _guard_item(version)
    not_a_photo = SimpleUploadedFile("guard.jpg", b"not an image", content_type="image/jpeg")

    page = as_li.post(
        _hub(area_point), _post(version, fail=guards, **{f"photo_{guards.pk}": not_a_photo})
    )

    assert page.status_code == 200
    assert page.context["panel"].form.errors[f"item_{guards.pk}"]
    assert not Inspection.objects.exists()


def test_the_checklist_offers_all_pass_range_hints_and_a_finding_per_failable_item(
    as_li, area_point, checklist
):
    version = checklist("DAILY-AREA").current_version

    html = as_li.get(_hub(area_point)).content.decode()

    # one "all pass" for the twelve pass/fail items (shown by the page's script)
    assert re.search(r'data-testid="all-pass">\s*全部合格（12 项）', html)
    temperature = version.items.get(kind=ItemKind.NUMBER)
    number = re.search(rf'<input type="number"[^>]*name="item_{temperature.pk}"[^>]*>', html)
    assert 'data-min="5"' in number.group(0) and 'data-max="35"' in number.group(0)
    assert 'data-msg-out="超出合格范围，此项不合格。"' in html
    for item in version.items.all():
        failable = item.kind in (ItemKind.PASS_FAIL, ItemKind.NUMBER, ItemKind.CHOICE)
        assert (f'name="photo_{item.pk}"' in html) == failable
        assert (f'name="note_{item.pk}"' in html) == failable
    overall = version.items.get(kind=ItemKind.CHOICE)
    assert re.search(rf'name="item_{overall.pk}" value="差" data-fails', html)


def test_a_verifier_cannot_post_a_checklist_with_findings(acme_client, zhao, area_point, checklist):
    version = checklist("DAILY-AREA").current_version
    guards = _guard_item(version)
    acme_client.force_login(zhao)

    acme_client.post(_hub(area_point), _post(version, fail=guards, **{f"note_{guards.pk}": "x"}))

    assert not Inspection.objects.exists()


@pytest.mark.parametrize(
    ("label", "limit", "short"),
    [
        ("消防通道、安全出口畅通无堵塞", 20, "消防通道、安全出口畅通无堵塞"),
        ("设备运行状态正常，无异响、异味、泄漏", 20, "设备运行状态正常"),
        ("安全联锁（光幕、双手按钮、门联锁、限位）有效", 20, "安全联锁有效"),
        (
            "员工佩戴安全帽、反光背心、防尘口罩和安全鞋",
            20,
            "员工佩戴安全帽、反光背心、防尘口罩和安…",
        ),
        ("Lights, horn and reversing alarm work", 48, "Lights, horn and reversing alarm work"),
        ("Equipment running normally: no unusual noise", 48, "Equipment running normally"),
        (
            "Process changes and interlock removals approved under management of change",
            48,
            "Process changes and interlock removals approved…",
        ),
    ],
)
def test_a_short_name_is_the_first_clause_without_asides(label, limit, short):
    assert short_name(label, limit) == short


def test_a_short_name_given_wins_over_the_derived_one(checklist):
    item = _guard_item(checklist("DAILY-AREA").current_version)
    item.short_label, item.short_label_en = "防护装置失效", "Guards defeated"

    with override("zh-hans"):
        assert item.display_short_label == "防护装置失效"
    with override("en"):
        assert item.display_short_label == "Guards defeated"
        item.short_label_en = ""
        assert item.display_short_label == "Guards, interlocks and emergency stops in place…"
