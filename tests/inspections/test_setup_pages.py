"""The inspection set-up pages (/i/setup/): checklists with their items and
bindings, plans and patrol routes.

Wang Wei (admin) writes Acme's own stamping checklist, binds it to W1's presses
and plans and routes the inspections; Li Na (team leader) and Sun Hao (safety
officer) may do the same; Zhang San (operator) inspects but sets nothing up;
Chen Jie runs Globex, whose pages know nothing of Acme's checklists.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from safeloop.tenants.facilities.models import Area, EquipmentType
from safeloop.tenants.inspections.models import (
    Checklist,
    ChecklistBinding,
    InspectionPlan,
    PatrolRoute,
    Point,
)
from safeloop.tenants.inspections.services import (
    bind_checklist,
    create_checklist,
    create_plan,
    create_route,
    resolve_checklist,
    start_inspection,
)
from tests.inspections.conftest import make_photo

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _english(in_acme):
    """Everyone at Acme reads these pages in English (a saved choice beats the browser's)."""
    from safeloop.tenants.facilities.models import Person

    Person.objects.update(language="en")


NEW_CHECKLIST = "/i/setup/checklists/new/"


class _FormValues(HTMLParser):
    """The values a browser would post for the form with ``data-testid=<testid>``
    (text inputs, checked boxes, selected options, textareas; no files, no buttons)."""

    def __init__(self, testid: str) -> None:
        super().__init__()
        self.testid, self.inside, self.values = testid, False, []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("data-testid") == self.testid
        elif tag == "template":
            self.inside = self.inside and "skip"  # the empty row's template is not posted
        if self.inside is not True or "name" not in a and tag != "option":
            return
        if tag == "input" and a.get("type") not in ("file", "submit", "button"):
            if a.get("type") not in ("checkbox", "radio"):
                self.values.append((a["name"], a.get("value", "")))
            elif "checked" in a:
                self.values.append((a["name"], a.get("value", "on")))
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "template" and self.inside == "skip":
            self.inside = True
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.values.append((name, text.removeprefix("\n")))
            self._textarea = None


def form_values(html: str, testid: str) -> dict:
    parser = _FormValues(testid)
    parser.feed(html)
    data: dict = {}
    for name, value in parser.values:
        data.setdefault(name, []).append(value)
    return {k: v if len(v) > 1 else v[0] for k, v in data.items()}


# What a browser posts for an untouched item row.
BLANK = {"kind": "pass_fail", "required": "on"}


def rows(prefix: str, items: list[dict], initial: int = 0) -> dict:
    """Formset data for ``items`` (each row's fields; ORDER as listed unless given)."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, item in enumerate(items):
        for key, value in {"ORDER": str(i + 1), **item}.items():
            data[f"{prefix}-{i}-{key}"] = value
    return data


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def stamping(wang):
    """Acme's own stamping checklist: a pass/fail item with a guidance picture and a
    pressure reading."""
    return create_checklist(
        by=wang,
        code="STAMPING",
        name="冲压点检",
        name_en="Stamping check",
        items=[
            {
                "kind": "pass_fail",
                "label": "光栅有效",
                "label_en": "Light curtain works",
                "guidance_image": make_photo("curtain.jpg"),
            },
            {"kind": "number", "label": "气压", "number_min": "0.4", "number_max": "0.6"},
        ],
    )


# --- Checklists ---------------------------------------------------------------------------


def test_wang_writes_a_checklist_with_a_guidance_picture(as_wang):
    data = {
        "code": "FORKLIFT-D",
        "name": "叉车日检",
        "name_en": "Forklift daily",
        **rows(
            "items",
            [
                {
                    "kind": "pass_fail",
                    "label": "刹车有效",
                    "label_en": "Brakes work",
                    "guidance": "踩下踏板",
                    "required": "on",
                    "guidance_image": make_photo("brakes.jpg"),
                },
                {
                    "kind": "choice",
                    "label": "货叉状态",
                    "choices": "完好\n磨损\n裂纹",
                    "failing_choices": "裂纹",
                },
                BLANK,  # the extra row, left blank
            ],
        ),
    }

    response = as_wang.post(NEW_CHECKLIST, data, **EN)

    checklist = Checklist.objects.get(code="FORKLIFT-D")
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:setup_checklist", args=[checklist.pk])
    assert flashed(response) == ["Checklist FORKLIFT-D saved as version 1."]
    brakes, forks = checklist.current_version.items.order_by("order")
    assert (brakes.label, brakes.guidance, brakes.required) == ("刹车有效", "踩下踏板", True)
    assert brakes.guidance_image.name.startswith("acme/inspections/guidance/")
    assert (forks.kind, forks.choices, forks.failing_choices, forks.required) == (
        "choice",
        ["完好", "磨损", "裂纹"],
        ["裂纹"],
        False,
    )
    page = as_wang.get(response["Location"], **EN).content.decode()
    assert reverse("inspections:guidance_image", args=[brakes.pk]) in page
    assert as_wang.get(reverse("inspections:guidance_image", args=[brakes.pk])).status_code == 200


def test_editing_a_used_checklist_publishes_version_2_and_the_old_inspection_keeps_1(
    as_wang, wang, stamping, press_point, inspect
):
    bind_checklist(stamping, by=wang, point=press_point)
    old = inspect(press_point, wang)
    page = as_wang.get(reverse("inspections:setup_checklist", args=[stamping.pk]), **EN)
    assert "Version 1 has been used by inspections" in page.content.decode()
    data = form_values(page.content.decode(), "checklist-form")
    data["items-1-label"] = "气源压力"

    response = as_wang.post(page.wsgi_request.path, data, **EN)

    assert response.status_code == 302, response.content.decode()
    assert flashed(response) == ["Saved as version 2; past inspections keep version 1."]
    stamping.refresh_from_db()
    curtain_v1, pressure_v1 = old.checklist_version.items.order_by("order")
    curtain_v2, pressure_v2 = stamping.current_version.items.order_by("order")
    assert stamping.current_version.number == 2 and old.checklist_version.number == 1
    assert (pressure_v1.label, pressure_v2.label) == ("气压", "气源压力")
    assert pressure_v2.number_min == pressure_v1.number_min
    # The picture was not uploaded again: version 2 keeps the same file.
    assert curtain_v2.guidance_image.name == curtain_v1.guidance_image.name != ""
    result = as_wang.get(reverse("inspections:result", args=[old.pk]), **EN).content.decode()
    assert "· v1</p>" in result


def test_editing_an_unused_checklist_changes_it_in_place(as_wang, stamping):
    url = reverse("inspections:setup_checklist", args=[stamping.pk])
    data = form_values(as_wang.get(url, **EN).content.decode(), "checklist-form")
    data["items-0-remove_image"] = "on"
    data["name_en"] = "Press check"

    response = as_wang.post(url, data, **EN)

    stamping.refresh_from_db()
    assert flashed(response) == [
        "Saved version 1: no inspection had used it yet, so it was changed in place."
    ]
    assert stamping.versions.count() == 1 and stamping.name_en == "Press check"
    assert not stamping.current_version.items.get(order=1).guidance_image


def test_saving_unchanged_items_publishes_no_version(as_wang, wang, stamping, press_point):
    start_inspection(press_point, by=wang, checklist=stamping)
    url = reverse("inspections:setup_checklist", args=[stamping.pk])
    data = form_values(as_wang.get(url, **EN).content.decode(), "checklist-form")

    response = as_wang.post(url, data, **EN)

    assert flashed(response) == ["Saved. The items did not change."]
    assert stamping.versions.count() == 1


def test_items_are_reordered_and_removed(as_wang, stamping):
    url = reverse("inspections:setup_checklist", args=[stamping.pk])
    data = form_values(as_wang.get(url, **EN).content.decode(), "checklist-form")
    # Without a script "up" posts back and the page shows the new order, unsaved.
    moved = as_wang.post(url, {**data, "move": "1:up"}, **EN).content.decode()
    assert moved.index('value="气压"') < moved.index('value="光栅有效"')
    assert stamping.current_version.items.get(order=1).label == "光栅有效"
    data = form_values(moved, "checklist-form")
    data["items-0-DELETE"] = "on"  # the light curtain, now second

    as_wang.post(url, data, **EN)

    stamping.refresh_from_db()
    assert [i.label for i in stamping.current_version.items.all()] == ["气压"]


def test_bad_items_are_shown_on_their_rows_and_nothing_is_saved(as_wang, stamping):
    url = reverse("inspections:setup_checklist", args=[stamping.pk])
    data = form_values(as_wang.get(url, **EN).content.decode(), "checklist-form")
    data.update(
        {
            "items-1-number_min": "9",  # above the highest (0.6)
            "items-2-kind": "choice",  # the blank row, now a choice with one option
            "items-2-label": "护罩",
            "items-2-choices": "完好",
        }
    )

    response = as_wang.post(url, data, **EN)

    html = response.content.decode()
    assert response.status_code == 400
    errors = [part.split("</div>")[0] for part in html.split('data-testid="row-errors"')[1:]]
    assert len(errors) == 2
    assert "Item 2: the lowest value is above the highest." in errors[0]
    assert "Item 3: give at least two different choices." in errors[1]
    assert stamping.current_version.items.get(order=2).number_min != 9


def test_a_row_error_names_the_row_as_the_page_numbers_it(as_wang, stamping):
    # A blank row moved to the top is left out of what is saved, but the page still
    # numbers it: the faulty reading is the third card, so its error says item 3.
    url = reverse("inspections:setup_checklist", args=[stamping.pk])
    data = form_values(as_wang.get(url, **EN).content.decode(), "checklist-form")
    data.update({"items-2-ORDER": "1", "items-0-ORDER": "2", "items-1-ORDER": "3"})
    data["items-1-number_min"] = "9"

    html = as_wang.post(url, data, **EN).content.decode()

    [error] = [part.split("</div>")[0] for part in html.split('data-testid="row-errors"')[1:]]
    assert "Item 3: the lowest value is above the highest." in error


def test_a_checklist_needs_a_free_code_and_an_item(as_wang, stamping):
    taken = as_wang.post(
        NEW_CHECKLIST,
        {"code": "STAMPING", "name": "又一个", **rows("items", [{**BLANK, "label": "x"}])},
        **EN,
    )
    empty = as_wang.post(
        NEW_CHECKLIST, {"code": "EMPTY", "name": "空", **rows("items", [BLANK])}, **EN
    )

    assert taken.status_code == empty.status_code == 400
    assert "This code is already used." in taken.content.decode()
    assert "A checklist needs at least one item." in empty.content.decode()
    assert not Checklist.objects.filter(code="EMPTY").exists()


def test_the_list_shows_version_items_and_where_each_checklist_applies(as_sun, wang, stamping, w1):
    bind_checklist(stamping, by=wang, equipment_type=_press_type(), area=w1)

    html = as_sun.get("/i/setup/", **EN).content.decode()

    row = html.split('data-testid="checklist-STAMPING"')[1].split("</tr>")[0]
    assert 'data-testid="version">v1<' in row and 'data-testid="item-count">2<' in row
    assert "Equipment type: Punch press · in" in row and "In use" in row
    assert 'data-testid="checklist-DAILY-AREA"' in html  # the template's universal ones too


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_lists_take_as_many_queries_however_many_rows(as_wang, wang, stamping, w1_areas):
    urls = ("/i/setup/", "/i/setup/plans/", "/i/setup/routes/")

    def add(n: int) -> None:
        point = Point.objects.for_target(w1_areas[n])
        bind_checklist(stamping, by=wang, point=point)
        create_route(by=wang, name=f"路线{n}", shift="day", points=[point])
        create_plan(by=wang, name=f"计划{n}", cadence="weekly_special", assignees=[wang.person])

    add(0)
    as_wang.get(urls[0])  # the client's first request also routes its host and caches its session
    one_each = [_queries(as_wang, url) for url in urls]
    add(1)
    add(2)

    assert [_queries(as_wang, url) for url in urls] == one_each


def test_a_checklist_is_switched_off_and_on(as_li, stamping):
    url = reverse("inspections:setup_checklist_active", args=[stamping.pk])

    as_li.post(url, {"is_active": "0"})
    off = Checklist.objects.get(pk=stamping.pk).is_active
    as_li.post(url, {"is_active": "1"})

    assert off is False and Checklist.objects.get(pk=stamping.pk).is_active is True


def _press_type() -> EquipmentType:
    return EquipmentType.objects.get(code="PRESS")


def test_bound_to_w1s_presses_the_checklist_opens_at_a_press(as_wang, stamping, press, w1):
    url = reverse("inspections:setup_binding_add", args=[stamping.pk])

    response = as_wang.post(
        url, {"scope": "equipment_type", "equipment_type": _press_type().pk, "area": w1.pk}, **EN
    )

    binding = ChecklistBinding.objects.get(checklist=stamping)
    assert response.status_code == 302
    assert (binding.equipment_type, binding.area, binding.point) == (_press_type(), w1, None)
    # EQUIP-PRESS covers every press; the binding within W1 is narrower, so it wins there.
    assert resolve_checklist(Point.objects.for_target(press)) == stamping
    hub = as_wang.get(f"/q/{press.qr_token}/", **EN).content.decode()
    assert 'data-testid="checklist-name">Stamping check<' in hub
    page = as_wang.get(reverse("inspections:setup_checklist", args=[stamping.pk]), **EN)
    assert f'data-testid="binding-{binding.pk}"' in page.content.decode()


def test_a_binding_is_removed(as_wang, wang, stamping, press_point):
    binding = bind_checklist(stamping, by=wang, point=press_point)

    as_wang.post(reverse("inspections:setup_binding_remove", args=[stamping.pk, binding.pk]))

    assert not ChecklistBinding.objects.filter(pk=binding.pk).exists()
    assert resolve_checklist(press_point).code == "EQUIP-PRESS"


def test_a_binding_needs_its_target(as_wang, stamping):
    url = reverse("inspections:setup_binding_add", args=[stamping.pk])

    no_point = as_wang.post(url, {"scope": "point"}, **EN)
    no_type = as_wang.post(url, {"scope": "equipment_type"}, **EN)

    assert no_point.status_code == no_type.status_code == 400
    assert "Pick the point." in no_point.content.decode()
    assert "Pick the equipment type." in no_type.content.decode()
    assert not ChecklistBinding.objects.filter(checklist=stamping).exists()


# --- Plans --------------------------------------------------------------------------------


def _plan_data(**changes) -> dict:
    return {
        "name": "W1 每周二五巡检",
        "cadence": "custom",
        "rrule": "FREQ=WEEKLY;BYDAY=TU,FR",
        "start_time": "09:00",
        "window_minutes": "120",
        "role": "team_leader",
        "area": Area.objects.get(code="W1").pk,
        "point_selection": "subtree",
        **changes,
    }


def test_a_plan_with_an_unreadable_rule_says_so(as_wang):
    response = as_wang.post("/i/setup/plans/new/", _plan_data(rrule="EVERY TUESDAY"), **EN)

    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "This is not a recurrence rule we can read." in html.split('data-testid="field-rrule"')[1]
    )
    assert not InspectionPlan.objects.filter(name="W1 每周二五巡检").exists()


def test_wang_plans_custom_inspections_and_changes_them(as_wang):
    created = as_wang.post("/i/setup/plans/new/", _plan_data(), **EN)
    plan = InspectionPlan.objects.get(name="W1 每周二五巡检")
    assert created.status_code == 302
    assert (plan.rrule, plan.window_minutes, plan.role, plan.area.code) == (
        "FREQ=WEEKLY;BYDAY=TU,FR",
        120,
        "team_leader",
        "W1",
    )
    url = reverse("inspections:setup_plan", args=[plan.pk])
    data = form_values(as_wang.get(url, **EN).content.decode(), "plan-form")
    data.update(cadence="weekly_special", start_time="", window_minutes="")

    changed = as_wang.post(url, data, **EN)

    plan.refresh_from_db()
    assert changed.status_code == 302 and flashed(changed) == ["Plan saved."]
    assert (plan.rrule, plan.start_time.isoformat(), plan.window_minutes) == (
        "FREQ=WEEKLY;BYDAY=MO",
        "08:00:00",
        48 * 60,
    )


def test_a_plan_lists_explicit_points_and_is_switched_off(as_sun, w1_areas):
    values = [f"area:{area.pk}" for area in w1_areas[:2]]
    response = as_sun.post(
        "/i/setup/plans/new/",
        _plan_data(name="两点", point_selection="explicit", points=values),
        **EN,
    )
    plan = InspectionPlan.objects.get(name="两点")

    as_sun.post(reverse("inspections:setup_plan_active", args=[plan.pk]), {"is_active": "0"})

    assert response.status_code == 302
    assert [pp.point.area for pp in plan.plan_points.all()] == w1_areas[:2]
    assert InspectionPlan.objects.get(pk=plan.pk).is_active is False
    listed = as_sun.get("/i/setup/plans/", **EN).content.decode()
    assert "Switched off" in listed.split(f'data-testid="plan-{plan.pk}"')[1].split("</tr>")[0]


# --- Routes -------------------------------------------------------------------------------


def test_a_route_walks_its_points_in_the_order_given(as_li, w1_areas):
    a1, a2, a3 = (f"area:{area.pk}" for area in w1_areas[:3])
    data = {
        "name": "冲压白班巡检",
        "shift": "day",
        **rows(
            "stops",
            [{"point": a1, "ORDER": "3"}, {"point": a3, "ORDER": "1"}, {"point": a2, "ORDER": "2"}],
        ),
    }

    response = as_li.post("/i/setup/routes/new/", data, **EN)

    route = PatrolRoute.objects.get(name="冲压白班巡检")
    assert response.status_code == 302
    assert [s.point.area for s in route.stops.all()] == [w1_areas[2], w1_areas[1], w1_areas[0]]
    url = reverse("inspections:setup_route", args=[route.pk])
    # Without a script: the last stop moves up (the page shows it, unsaved), then it is saved.
    data = form_values(as_li.get(url, **EN).content.decode(), "route-form")
    moved = as_li.post(url, {**data, "move": "2:up"}, **EN)
    assert [s.point.area for s in route.stops.all()] == [w1_areas[2], w1_areas[1], w1_areas[0]]
    as_li.post(url, form_values(moved.content.decode(), "route-form"), **EN)
    assert [s.point.area for s in route.stops.all()] == [w1_areas[2], w1_areas[0], w1_areas[1]]
    listed = as_li.get("/i/setup/routes/", **EN).content.decode()
    assert f"{w1_areas[2].code}</span> → " in listed


def test_a_route_needs_points_each_once(as_wang, w1_areas):
    a1 = f"area:{w1_areas[0].pk}"

    empty = as_wang.post(
        "/i/setup/routes/new/", {"name": "空", "shift": "day", **rows("stops", [{}])}, **EN
    )
    twice = as_wang.post(
        "/i/setup/routes/new/",
        {"name": "重", "shift": "day", **rows("stops", [{"point": a1}, {"point": a1}])},
        **EN,
    )

    assert empty.status_code == twice.status_code == 400
    assert "A route needs at least one point." in empty.content.decode()
    assert "A point is listed twice." in twice.content.decode()
    assert not PatrolRoute.objects.filter(name__in=["空", "重"]).exists()


def test_a_route_is_switched_off(as_wang, wang, w1_areas):
    route = create_route(
        by=wang, name="夜巡", shift="night", points=[Point.objects.for_target(w1_areas[0])]
    )

    as_wang.post(reverse("inspections:setup_route_active", args=[route.pk]), {"is_active": "0"})

    assert PatrolRoute.objects.get(pk=route.pk).is_active is False


# --- Who may ------------------------------------------------------------------------------


def _setup_urls(checklist, plan, route) -> list[str]:
    return [
        "/i/setup/",
        NEW_CHECKLIST,
        reverse("inspections:setup_checklist", args=[checklist.pk]),
        "/i/setup/plans/",
        "/i/setup/plans/new/",
        reverse("inspections:setup_plan", args=[plan.pk]),
        "/i/setup/routes/",
        "/i/setup/routes/new/",
        reverse("inspections:setup_route", args=[route.pk]),
    ]


@pytest.fixture
def plan_and_route(wang, w1_areas):
    route = create_route(
        by=wang, name="白巡", shift="day", points=[Point.objects.for_target(w1_areas[0])]
    )
    plan = create_plan(by=wang, name="计划", cadence="daily_pre_shift", role="team_leader")
    return plan, route


def test_an_operator_gets_403_everywhere_and_no_nav_link(as_zhang, stamping, plan_and_route):
    plan, route = plan_and_route

    urls = _setup_urls(stamping, plan, route)
    statuses = {url: as_zhang.get(url).status_code for url in urls}
    posts = [
        as_zhang.post(reverse(name, args=[pk]), {"is_active": "0"}).status_code
        for name, pk in (
            ("inspections:setup_checklist_active", stamping.pk),
            ("inspections:setup_plan_active", plan.pk),
            ("inspections:setup_route_active", route.pk),
        )
    ]
    created = as_zhang.post(
        NEW_CHECKLIST, {"code": "MINE", "name": "我的", **rows("items", [{**BLANK, "label": "x"}])}
    )

    assert set(statuses.values()) == {403}, statuses
    assert posts == [403, 403, 403] and created.status_code == 403
    assert Checklist.objects.get(pk=stamping.pk).is_active
    assert not Checklist.objects.filter(code="MINE").exists()
    home = as_zhang.get("/w/").content.decode()
    assert 'data-testid="nav-inspections"' in home
    assert 'data-testid="nav-inspection_setup"' not in home


def test_managers_see_the_nav_link_and_the_pages(as_li, stamping, plan_and_route):
    assert 'data-testid="nav-inspection_setup"' in as_li.get("/w/").content.decode()
    for url in _setup_urls(stamping, *plan_and_route):
        assert as_li.get(url).status_code == 200, url


def test_the_completion_page_links_to_the_set_up_for_managers_only(as_wang, acme_client, zhou):
    assert 'data-testid="setup-link"' in as_wang.get("/i/completion/").content.decode()
    acme_client.force_login(zhou)  # the leader in charge oversees but sets nothing up
    page = acme_client.get("/i/completion/")
    assert page.status_code == 200 and 'data-testid="setup-link"' not in page.content.decode()


def test_signed_out_visitors_are_sent_to_sign_in(acme_client):
    response = acme_client.get("/i/setup/")

    assert response.status_code == 302 and "next=/i/setup/" in response["Location"]


def test_globex_cannot_open_acmes_checklists_plans_or_routes(
    as_chen, globex, stamping, plan_and_route
):
    from django_tenants.utils import tenant_context

    urls = _setup_urls(stamping, *plan_and_route)
    with tenant_context(globex):
        # Acme's new rows have ids Globex never used, so a 404 means "not here".
        assert not Checklist.objects.filter(pk=stamping.pk).exists()
        assert not InspectionPlan.objects.filter(pk=plan_and_route[0].pk).exists()
        assert not PatrolRoute.objects.filter(pk=plan_and_route[1].pk).exists()

    switch_off = reverse("inspections:setup_checklist_active", args=[stamping.pk])

    assert [as_chen.get(url).status_code for url in urls[2::3]] == [404, 404, 404]
    assert as_chen.post(switch_off, {"is_active": "0"}).status_code == 404
