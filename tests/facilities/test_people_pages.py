"""People: the list for staff, add/edit for admins, with roles, superior, PIN and language."""

import pytest
from django.contrib.auth import get_user_model

from conftest import PASSWORD
from safeloop.tenants.facilities.models import Area, JobRole, Person
from safeloop.tenants.facilities.services import check_pin

pytestmark = pytest.mark.django_db


def _new_person(**overrides):
    data = {
        "full_name": "Sun Li",
        "email": "sun.li@acme.test",
        "employee_no": "E2001",
        "phone": "13800000001",
        "area": Area.objects.get(code="W1").pk,
        "job_role": JobRole.objects.get(code="welder").pk,
        "roles": ["operator", "maintenance"],
        "superior": Person.objects.get(employee_no="E1001").pk,
        "language": "en",
        "password": "",
        "pin": "",
    }
    data.update(overrides)
    return data


def _error_codes(response, field):
    return [e.code for e in response.context["form"].errors.as_data().get(field, [])]


def test_admin_sees_everyone_with_edit_buttons(as_wang):
    html = as_wang.get("/w/people/").content.decode()

    for employee_no in ("E1001", "E1002", "V0001"):
        assert f'data-testid="person-{employee_no}"' in html
    assert 'data-testid="edit-person-E1002"' in html
    assert 'data-testid="add-person"' in html and 'data-testid="import-people"' in html


def test_team_leader_sees_people_without_edit_buttons_and_gets_403_on_edits(as_li):
    zhang = Person.objects.get(employee_no="E1002")

    html = as_li.get("/w/people/").content.decode()
    response = as_li.post(f"/w/people/{zhang.pk}/edit/", {"roles": ["admin"]})

    assert 'data-testid="person-E1002"' in html
    assert 'data-testid="edit-person-E1002"' not in html
    assert 'data-testid="add-person"' not in html
    assert response.status_code == 403
    zhang.refresh_from_db()
    assert zhang.roles == ["operator"]


def test_operator_may_not_list_people(as_zhang):
    assert as_zhang.get("/w/people/").status_code == 403
    assert as_zhang.post("/w/people/new/", _new_person()).status_code == 403
    assert not Person.objects.filter(employee_no="E2001").exists()


def test_people_filters_narrow_by_role_job_and_search(as_wang):
    by_role = as_wang.get("/w/people/?role=team_leader")
    by_job = as_wang.get(f"/w/people/?job_role={JobRole.objects.get(code='operator').pk}")
    by_search = as_wang.get("/w/people/?q=zhang")

    def numbers(response):
        return {p.employee_no for p in response.context["page_obj"]}

    assert numbers(by_role) == {"E1001"}
    assert numbers(by_job) == {"E1002"}
    assert numbers(by_search) == {"E1002"}


def test_admin_adds_a_person_with_roles_superior_and_pin(as_wang):
    html = as_wang.get("/w/people/new/").content.decode()
    assert 'id="id_roles_0"' in html and 'id="person-form-submit"' in html

    response = as_wang.post("/w/people/new/", _new_person(pin="8642", password=PASSWORD))

    person = Person.objects.select_related("user", "superior").get(employee_no="E2001")
    assert response.status_code == 302
    assert person.user.email == "sun.li@acme.test" and person.user.get_full_name() == "Sun Li"
    assert person.roles == ["maintenance", "operator"]
    assert person.superior.employee_no == "E1001" and person.language == "en"
    assert check_pin(person, "8642") and person.user.check_password(PASSWORD)


def test_a_person_without_password_cannot_sign_in_with_one(as_wang):
    as_wang.post("/w/people/new/", _new_person())

    user = get_user_model().objects.get(email="sun.li@acme.test")
    assert not user.has_usable_password()


def test_bad_person_input_is_shown_on_the_fields(as_wang):
    bad_email = as_wang.post("/w/people/new/", _new_person(email="not-an-email"))
    taken_number = as_wang.post("/w/people/new/", _new_person(employee_no="E1001"))
    taken_email = as_wang.post("/w/people/new/", _new_person(email="li@acme.test"))
    weak_password = as_wang.post("/w/people/new/", _new_person(password="123"))
    bad_pin = as_wang.post("/w/people/new/", _new_person(pin="12"))

    assert _error_codes(bad_email, "email") == ["invalid"]
    assert _error_codes(taken_number, "employee_no") == ["duplicate"]
    assert _error_codes(taken_email, "email") == ["duplicate"]
    assert "password_too_short" in _error_codes(weak_password, "password")
    assert _error_codes(bad_pin, "pin") == ["invalid"]
    assert not Person.objects.filter(employee_no="E2001").exists()


def test_admin_changes_roles_and_pin_of_a_person(as_wang):
    zhang = Person.objects.select_related("user").get(employee_no="E1002")
    data = as_wang.get(f"/w/people/{zhang.pk}/edit/").context["form"].initial
    data = {k: v for k, v in data.items() if v is not None}

    response = as_wang.post(
        f"/w/people/{zhang.pk}/edit/", {**data, "roles": ["team_leader"], "pin": "97531"}
    )

    zhang.refresh_from_db()
    assert response.status_code == 302
    assert zhang.roles == ["team_leader"]
    assert check_pin(zhang, "97531")


def test_admin_cannot_remove_their_own_admin_role(as_wang, wang):
    data = as_wang.get(f"/w/people/{wang.person.pk}/edit/").context["form"].initial
    data = {k: v for k, v in data.items() if v is not None}

    response = as_wang.post(f"/w/people/{wang.person.pk}/edit/", {**data, "roles": ["operator"]})

    assert response.status_code == 200
    assert _error_codes(response, "roles") == ["invalid"]
    wang.person.refresh_from_db()
    assert "admin" in wang.person.roles


def test_a_bad_pin_on_edit_leaves_the_other_changes_unsaved(as_wang):
    zhang = Person.objects.get(employee_no="E1002")
    data = as_wang.get(f"/w/people/{zhang.pk}/edit/").context["form"].initial
    data = {k: v for k, v in data.items() if v is not None}

    response = as_wang.post(
        f"/w/people/{zhang.pk}/edit/", {**data, "phone": "13911112222", "pin": "abc"}
    )

    zhang.refresh_from_db()
    assert _error_codes(response, "pin") == ["invalid"]
    assert zhang.phone != "13911112222"


def test_globex_admin_sees_only_globex_people(as_chen):
    html = as_chen.get("/w/people/").content.decode()

    assert "chen@globex.test" in html
    assert "li@acme.test" not in html and "E1001" not in html
