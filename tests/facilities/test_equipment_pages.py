"""Equipment: a filtered, paginated list for everyone in the plant; edits for managers."""

import pytest
from django_tenants.utils import tenant_context

from safeloop.tenants.facilities.models import Area, Equipment, EquipmentType
from safeloop.tenants.facilities.services import create_equipment

pytestmark = pytest.mark.django_db


def _add(by, code, area="W1-A1", kind="PRESS", **extra):
    return create_equipment(
        by=by,
        code=code,
        name=f"Machine {code}",
        equipment_type=EquipmentType.objects.get(code=kind),
        area=Area.objects.get(code=area),
        **extra,
    )


def _codes(response):
    return {item.code for item in response.context["page_obj"]}


def test_admin_sees_equipment_with_add_and_edit_buttons(as_wang, wang):
    _add(wang, "PR-100")

    html = as_wang.get("/w/equipment/").content.decode()

    assert 'data-testid="equipment-PR-100"' in html
    assert 'data-testid="edit-equipment-PR-100"' in html
    assert 'data-testid="add-equipment"' in html and 'data-testid="import-equipment"' in html


def test_operator_sees_the_list_without_edit_buttons_and_gets_403_on_edits(as_zhang, wang):
    item = _add(wang, "PR-101")

    html = as_zhang.get("/w/equipment/").content.decode()
    created = as_zhang.post("/w/equipment/new/", {"code": "HACK-1"})
    edited = as_zhang.post(f"/w/equipment/{item.pk}/edit/", {"code": "PR-101", "name": "x"})

    assert 'data-testid="equipment-PR-101"' in html
    assert 'data-testid="edit-equipment-PR-101"' not in html
    assert 'data-testid="add-equipment"' not in html
    assert created.status_code == 403 and edited.status_code == 403
    assert not Equipment.objects.filter(code="HACK-1").exists()


def test_filters_narrow_by_area_including_sub_areas_type_status_and_search(as_wang, wang):
    _add(wang, "PR-200", area="W1-A1", manufacturer="Yangli")
    _add(wang, "CR-200", area="W1-A2", kind="CRANE", status="under_repair")
    _add(wang, "WD-200", area="W3-A1", kind="WELDER")
    workshop = Area.objects.get(code="W1")

    by_workshop = as_wang.get(f"/w/equipment/?area={workshop.pk}")
    by_type = as_wang.get(
        f"/w/equipment/?equipment_type={EquipmentType.objects.get(code='WELDER').pk}"
    )
    by_status = as_wang.get("/w/equipment/?status=under_repair")
    by_search = as_wang.get("/w/equipment/?q=yangli")

    assert {"PR-200", "CR-200"} <= _codes(by_workshop) and "WD-200" not in _codes(by_workshop)
    assert _codes(by_type) == {"WD-200"}
    assert _codes(by_status) == {"CR-200"}
    assert _codes(by_search) == {"PR-200"}


def test_the_list_is_paginated_and_keeps_the_filters(as_wang, wang):
    for n in range(30):
        _add(wang, f"FL-{n:03}", kind="FORKLIFT")

    first = as_wang.get("/w/equipment/?q=FL-")
    second = as_wang.get("/w/equipment/?q=FL-&page=2")

    assert len(_codes(first)) == 25 and len(_codes(second)) == 5
    assert 'href="?q=FL-&amp;page=2"' in first.content.decode()


def test_admin_adds_equipment_with_its_nameplate_through_the_form(as_wang):
    press = EquipmentType.objects.get(code="PRESS")
    area = Area.objects.get(code="W1-A1")
    html = as_wang.get("/w/equipment/new/").content.decode()
    assert 'id="id_serial_number"' in html and 'id="equipment-form-submit"' in html

    response = as_wang.post(
        "/w/equipment/new/",
        {
            "code": "PR-300",
            "name": "315吨冲压机",
            "equipment_type": press.pk,
            "area": area.pk,
            "status": "in_service",
            "manufacturer": "Yangli",
            "model_number": "JH21-315",
            "serial_number": "YL-2021-0042",
            "rated_capacity": "315 t",
            "manufactured_on": "2021-06-30",
        },
    )

    item = Equipment.objects.get(code="PR-300")
    assert response.status_code == 302
    assert (item.serial_number, str(item.manufactured_on)) == ("YL-2021-0042", "2021-06-30")


def test_bad_equipment_input_is_shown_on_the_fields(as_wang, wang):
    _add(wang, "PR-400")
    press = EquipmentType.objects.get(code="PRESS")
    area = Area.objects.get(code="W1-A1")

    bad_date = as_wang.post(
        "/w/equipment/new/",
        {
            "code": "PR-401",
            "name": "x",
            "equipment_type": press.pk,
            "area": area.pk,
            "status": "in_service",
            "manufactured_on": "30.06.2021x",
        },
    )
    duplicate = as_wang.post(
        "/w/equipment/new/",
        {
            "code": "PR-400",
            "name": "x",
            "equipment_type": press.pk,
            "area": area.pk,
            "status": "in_service",
        },
    )

    assert "manufactured_on" in bad_date.context["form"].errors
    assert [e.code for e in duplicate.context["form"].errors.as_data()["code"]] == ["duplicate"]
    assert not Equipment.objects.filter(code="PR-401").exists()


def test_admin_edits_the_status_of_equipment(as_wang, wang):
    item = _add(wang, "PR-500")
    form = as_wang.get(f"/w/equipment/{item.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}

    response = as_wang.post(f"/w/equipment/{item.pk}/edit/", {**data, "status": "retired"})

    item.refresh_from_db()
    assert response.status_code == 302
    assert item.status == "retired"


def test_globex_admin_cannot_see_acme_equipment(acme, wang, as_chen):
    with tenant_context(acme):
        item = _add(wang, "ACME-SECRET-1")

    listing = as_chen.get("/w/equipment/?q=ACME")
    edit = as_chen.get(f"/w/equipment/{item.pk}/edit/")

    assert listing.status_code == 200
    assert "ACME-SECRET-1" not in listing.content.decode()
    assert edit.status_code == 404
