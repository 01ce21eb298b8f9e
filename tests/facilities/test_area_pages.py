"""The area tree (site → workshop → area) and its add/edit form."""

import pytest
from django_tenants.utils import tenant_context

from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.models import Area
from safeloop.tenants.facilities.services import create_area

pytestmark = pytest.mark.django_db


def _errors(response, field):
    return [e.code for e in response.context["form"].errors.as_data().get(field, [])]


def test_admin_sees_the_tree_with_edit_and_add_buttons(as_wang):
    html = as_wang.get("/w/areas/").content.decode()

    assert 'data-testid="area-tree"' in html
    assert 'data-testid="area-S1"' in html and 'data-testid="area-W1-A1"' in html
    assert html.index('data-testid="area-S1"') < html.index('data-testid="area-W1"')
    assert 'data-testid="edit-area-W1"' in html
    assert 'data-testid="add-child-W1"' in html
    assert 'data-testid="add-site"' in html


def test_operator_sees_the_tree_but_no_edit_buttons(as_zhang):
    html = as_zhang.get("/w/areas/").content.decode()

    assert 'data-testid="area-W1"' in html
    assert 'data-testid="edit-area-W1"' not in html
    assert 'data-testid="add-site"' not in html


def test_verifier_may_not_open_the_area_tree(as_zhao):
    assert as_zhao.get("/w/areas/").status_code == 403


def test_admin_adds_a_workshop_under_the_site_through_the_form(as_wang):
    site = Area.objects.get(code="S1")
    form_html = as_wang.get(f"/w/areas/new/?kind=workshop&parent={site.pk}").content.decode()
    for field_id in ("id_code", "id_name", "id_name_en", "id_kind", "id_parent"):
        assert f'id="{field_id}"' in form_html
    assert 'id="area-form-submit"' in form_html

    response = as_wang.post(
        "/w/areas/new/",
        {
            "code": "W9",
            "name": "热处理车间",
            "name_en": "Heat treatment",
            "kind": "workshop",
            "parent": site.pk,
        },
    )

    area = Area.objects.get(code="W9")
    assert response.status_code == 302
    assert response["Location"] == f"/w/areas/#area-{area.pk}"
    assert area.parent == site and area.kind == "workshop"
    assert AuditEvent.objects.filter(verb="area.created", object_id=str(area.pk)).exists()


def test_parent_choices_fit_the_kind(as_wang):
    html = as_wang.get("/w/areas/new/?kind=area").content.decode()

    assert 'data-kind="workshop"' in html
    assert 'data-kind="site"' not in html


def test_an_area_under_a_site_is_refused_on_the_parent_field(as_wang):
    site = Area.objects.get(code="S1")

    response = as_wang.post(
        "/w/areas/new/", {"code": "X1", "name": "错误", "kind": "area", "parent": site.pk}
    )

    assert response.status_code == 200
    assert _errors(response, "parent") == ["invalid_choice"]
    assert not Area.objects.filter(code="X1").exists()


def test_a_workshop_without_a_site_gets_the_service_error_on_the_parent_field(as_wang):
    response = as_wang.post("/w/areas/new/", {"code": "X2", "name": "孤立", "kind": "workshop"})

    assert _errors(response, "parent") == ["bad_parent"]
    assert 'class="errorlist' in response.content.decode()


def test_a_duplicate_code_is_shown_on_the_code_field(as_wang):
    site = Area.objects.get(code="S1")

    response = as_wang.post(
        "/w/areas/new/", {"code": "W1", "name": "重复", "kind": "workshop", "parent": site.pk}
    )

    assert _errors(response, "code") == ["duplicate"]
    assert 'data-testid="form-errors"' in response.content.decode()


def test_admin_renames_an_area_and_its_kind_stays(as_wang):
    area = Area.objects.get(code="W1")

    response = as_wang.post(
        f"/w/areas/{area.pk}/edit/",
        {
            "code": "W1",
            "name": "冲压一车间",
            "name_en": "Press shop 1",
            "kind": "site",
            "parent": area.parent_id,
        },
    )

    area.refresh_from_db()
    assert response.status_code == 302
    assert (area.name, area.name_en, area.kind) == ("冲压一车间", "Press shop 1", "workshop")
    event = AuditEvent.objects.filter(verb="area.updated", object_id=str(area.pk)).get()
    assert set(event.data["changes"]) == {"name", "name_en"}


def test_saving_an_unchanged_area_writes_no_audit_event(as_wang):
    area = Area.objects.get(code="W2")
    before = AuditEvent.objects.count()

    as_wang.post(
        f"/w/areas/{area.pk}/edit/",
        {"code": area.code, "name": area.name, "name_en": area.name_en, "parent": area.parent_id},
    )

    assert AuditEvent.objects.count() == before


def test_operator_gets_403_when_posting_to_the_area_forms(as_zhang):
    area = Area.objects.get(code="W1")

    created = as_zhang.post("/w/areas/new/", {"code": "S7", "name": "x", "kind": "site"})
    edited = as_zhang.post(f"/w/areas/{area.pk}/edit/", {"code": "W1", "name": "改名"})

    assert created.status_code == 403 and edited.status_code == 403
    assert 'data-testid="forbidden"' in created.content.decode()
    assert not Area.objects.filter(code="S7").exists()
    area.refresh_from_db()
    assert area.name != "改名"


def test_globex_admin_does_not_see_acme_areas(acme, wang, as_chen):
    with tenant_context(acme):
        site = create_area(by=wang, code="ACME-ONLY", name="阿克米专用", kind="site")

    html = as_chen.get("/w/areas/").content.decode()

    assert 'data-testid="area-S1"' in html  # Globex's own site
    assert "ACME-ONLY" not in html
    assert 'data-testid="area-ACME-ONLY"' not in html
    # Ids are per schema: the same number is Globex's own area, or none at all.
    assert "ACME-ONLY" not in as_chen.get(f"/w/areas/{site.pk}/edit/").content.decode()
