"""Each enterprise sets its own hazard rules: what a grade means, who fixes what, anonymity.

Wang (admin) tightens the serious grade to 24 hours and a three-level path;
hazards reported before keep what they were given. The metal template sends
electrical hazards to the workshop's electrician (Qian in W1); Wang adds a rule
that sends electrical hazards in W1 to Ma, and it wins because it is more
specific. Zhang (operator) and Li (team leader) may change none of it; Globex's
admin Chen sees only Globex's rules.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django_tenants.utils import tenant_context

from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.models import Area, JobRole, Person
from safeloop.tenants.hazards import config_services, services
from safeloop.tenants.hazards.models import (
    GradePolicy,
    HazardCategory,
    HazardSettings,
    LibraryEntry,
    RoutingRule,
)

pytestmark = pytest.mark.django_db

THREE_LEVELS = ["team_leader", "safety_officer", "leader_in_charge"]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _serious() -> GradePolicy:
    return GradePolicy.objects.get(grade="serious")


def _report(by, *, grade="general", category="mechanical", area="W1-A1"):
    entry = LibraryEntry.objects.filter(category__code=category).first()
    return services.report_hazard(
        by=by, area=Area.objects.get(code=area), library_entry=entry, grade=grade
    )


def _electrical_rule_for_ma(wang) -> RoutingRule:
    return config_services.create_routing_rule(
        by=wang,
        category=HazardCategory.objects.get(code="electrical"),
        area=Area.objects.get(code="W1"),
        assignee=Person.objects.get(user__email="ma@acme.test"),
    )


def _codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


# --- Grades -----------------------------------------------------------------------------


def test_changed_serious_grade_applies_to_new_hazards_while_earlier_ones_keep_theirs(wang, zhang):
    earlier = _report(zhang, grade="serious")

    config_services.update_grade_policy(
        _serious(), by=wang, deadline_hours=24, acceptance_levels=THREE_LEVELS
    )
    later = _report(zhang, grade="serious")

    assert later.deadline == later.reported_at + timedelta(hours=24)
    assert later.acceptance_levels == THREE_LEVELS
    earlier.refresh_from_db()
    assert earlier.deadline == earlier.reported_at + timedelta(hours=48)
    assert earlier.acceptance_levels == ["team_leader", "safety_officer"]
    event = AuditEvent.objects.filter(verb="grade_policy.updated").latest("id")
    assert event.actor == wang
    assert event.data["changes"]["deadline_hours"] == {"from": 48, "to": 24}


def test_acceptance_path_keeps_the_order_the_admin_gave(wang):
    path = ["safety_officer", "team_leader"]

    policy = config_services.update_grade_policy(_serious(), by=wang, acceptance_levels=path)

    assert GradePolicy.objects.get(pk=policy.pk).acceptance_levels == path


def test_saving_an_unchanged_grade_writes_no_audit_event(wang):
    before = AuditEvent.objects.count()

    config_services.update_grade_policy(_serious(), by=wang, deadline_hours=48)

    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"reminder_before_hours": 48}, "reminder_before_hours", "reminder_not_before_deadline"),
        ({"deadline_hours": 6, "reminder_before_hours": 12}, "reminder_before_hours",
         "reminder_not_before_deadline"),
        ({"acceptance_levels": ["team_leader", "foreman"]}, "acceptance_levels", "unknown_level"),
        ({"acceptance_levels": []}, "acceptance_levels", "required"),
        ({"acceptance_levels": ["team_leader", "team_leader"]}, "acceptance_levels",
         "duplicate_level"),
        ({"escalate_after_hours": 24}, "second_escalation_after_hours", "escalation_order"),
        ({"deadline_hours": 0}, "deadline_hours", "out_of_range"),
        ({"notify_roles": ["janitor"]}, "notify_roles", "unknown_role"),
        ({"color": "red"}, "color", "invalid"),
    ],
)  # fmt: skip
def test_bad_grade_policy_is_refused_with_a_code(wang, changes, field, code):
    with pytest.raises(ValidationError) as caught:
        config_services.update_grade_policy(_serious(), by=wang, **changes)

    assert code in _codes(caught.value)[field]
    assert _serious().deadline_hours == 48


# --- Routing rules ----------------------------------------------------------------------


def test_electrical_rule_for_w1_naming_ma_beats_the_template_job_role_rule(wang, zhang, ma, qian):
    assert _report(zhang, category="electrical").assignee.user == qian  # the template's rule

    _electrical_rule_for_ma(wang)

    assert _report(zhang, category="electrical").assignee.user == ma
    elsewhere = _report(zhang, category="electrical", area="W3-A1")
    assert elsewhere.assignee is None or elsewhere.assignee.user != ma


def test_deactivated_rule_is_skipped(wang, zhang, qian):
    rule = _electrical_rule_for_ma(wang)

    config_services.update_routing_rule(rule, by=wang, is_active=False)

    assert _report(zhang, category="electrical").assignee.user == qian
    event = AuditEvent.objects.filter(verb="routing_rule.updated").latest("id")
    assert event.data["changes"] == {"is_active": {"from": True, "to": False}}


def test_rules_are_listed_in_the_order_routing_tries_them(wang):
    specific = _electrical_rule_for_ma(wang)
    catch_all = config_services.create_routing_rule(
        by=wang, assignee_job_role=JobRole.objects.get(code="safety_officer"), catch_all=True
    )
    switched_off = config_services.create_routing_rule(
        by=wang,
        category=HazardCategory.objects.get(code="fire"),
        assignee_job_role=JobRole.objects.get(code="electrician"),
        priority=1,
        is_active=False,
    )

    template_rule = RoutingRule.objects.get(
        category__code="electrical", assignee_job_role__code="electrician"
    )

    order = [rule.pk for rule in config_services.rules_in_order()]

    assert order[0] == specific.pk
    assert order.index(template_rule.pk) < order.index(catch_all.pk)
    assert order[-1] == switched_off.pk


def test_catch_all_rule_must_be_asked_for(wang):
    fitter = JobRole.objects.get(code="maintenance_fitter")

    with pytest.raises(ValidationError) as caught:
        config_services.create_routing_rule(by=wang, assignee_job_role=fitter)
    assert _codes(caught.value) == {"catch_all": ["no_condition"]}

    rule = config_services.create_routing_rule(by=wang, assignee_job_role=fitter, catch_all=True)
    assert config_services.is_catch_all(rule)


@pytest.mark.parametrize(
    ("person", "job_role", "field", "code"),
    [
        (True, True, "assignee", "one_assignee"),
        (False, False, "assignee", "one_assignee"),
    ],
)
def test_rule_must_name_exactly_one_of_person_and_job_role(wang, person, job_role, field, code):
    with pytest.raises(ValidationError) as caught:
        config_services.create_routing_rule(
            by=wang,
            category=HazardCategory.objects.get(code="electrical"),
            assignee=Person.objects.get(user__email="ma@acme.test") if person else None,
            assignee_job_role=JobRole.objects.get(code="electrician") if job_role else None,
        )

    assert code in _codes(caught.value)[field]


def test_rule_with_conditions_cannot_also_be_a_catch_all(wang):
    with pytest.raises(ValidationError) as caught:
        config_services.create_routing_rule(
            by=wang,
            category=HazardCategory.objects.get(code="fire"),
            assignee_job_role=JobRole.objects.get(code="electrician"),
            catch_all=True,
        )

    assert _codes(caught.value) == {"catch_all": ["invalid"]}


# --- Anonymous reporting ------------------------------------------------------------------


def test_switching_anonymous_reporting_on_lets_reports_go_unnamed(wang, zhang):
    config_services.set_anonymous_reporting(by=wang, enabled=True)

    hazard = services.report_hazard(
        by=zhang, area=Area.objects.get(code="W1-A1"), description="Loose cable", anonymous=True
    )

    assert HazardSettings.current().anonymous_reporting
    assert hazard.reporter is None and hazard.is_anonymous
    assert AuditEvent.objects.filter(verb="hazard_settings.updated", actor=wang).exists()


# --- Permission ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zhang", "li"])
def test_operator_and_team_leader_may_not_change_the_rules(request, name, wang):
    user = request.getfixturevalue(name)
    rule = RoutingRule.objects.first()

    with pytest.raises(PermissionDenied):
        config_services.update_grade_policy(_serious(), by=user, deadline_hours=24)
    with pytest.raises(PermissionDenied):
        config_services.update_routing_rule(rule, by=user, is_active=False)
    with pytest.raises(PermissionDenied):
        config_services.set_anonymous_reporting(by=user, enabled=True)
    with pytest.raises(PermissionDenied):
        _electrical_rule_for_ma(user)

    assert _serious().deadline_hours == 48


# --- Pages --------------------------------------------------------------------------------


def test_settings_page_shows_grades_rules_and_the_anonymous_switch(as_wang, wang):
    Person.objects.filter(user=wang).update(language="en")

    response = as_wang.get(reverse("hazards:config"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="grade-major"' in page
    assert "Team leader → Safety officer → Leader in charge" in page
    assert "hazards already reported keep their" in page
    assert len(response.context["rules"]) == RoutingRule.objects.count()
    assert 'data-testid="anonymous-on"' in page
    assert reverse("hazards:config") in page  # the nav entry "Hazard settings"


def test_settings_page_reads_the_acceptance_path_in_chinese(as_wang):
    page = as_wang.get(reverse("hazards:config"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()

    assert "班组长 → 安全员 → 分管领导" in page


def test_admin_changes_a_grade_through_the_form(as_wang, zhang):
    url = reverse("hazards:grade_edit", args=["serious"])
    assert as_wang.get(url, **EN).status_code == 200

    response = as_wang.post(
        url,
        {
            "deadline_hours": "24",
            "reminder_before_hours": "6",
            "escalate_after_hours": "2",
            "second_escalation_after_hours": "24",
            "notify_roles": ["safety_officer", "workshop_director"],
            "level_1": "team_leader",
            "level_2": "safety_officer",
            "level_3": "leader_in_charge",
            "level_4": "",
        },
    )

    assert response.status_code == 302
    policy = _serious()
    assert (policy.deadline_hours, policy.reminder_before_hours) == (24, 6)
    assert policy.acceptance_levels == THREE_LEVELS
    assert policy.notify_roles == ["safety_officer", "workshop_director"]
    assert _report(zhang, grade="serious").acceptance_levels == THREE_LEVELS


def test_grade_form_shows_the_services_error_beside_the_field(as_wang):
    response = as_wang.post(
        reverse("hazards:grade_edit", args=["serious"]),
        {
            "deadline_hours": "48",
            "reminder_before_hours": "48",
            "escalate_after_hours": "2",
            "second_escalation_after_hours": "24",
            "level_1": "",
        },
        **EN,
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("reminder_before_hours", "reminder_not_before_deadline")
    assert form.has_error("level_1", "required")
    assert _serious().reminder_before_hours == 12


def test_unknown_grade_page_is_not_found(as_wang):
    assert as_wang.get("/h/settings/grades/tiny/").status_code == 404


def test_admin_adds_edits_and_switches_off_a_rule_through_the_pages(as_wang, zhang, ma, qian):
    form = {
        "category": HazardCategory.objects.get(code="electrical").pk,
        "area": Area.objects.get(code="W1").pk,
        "equipment_type": "",
        "assignee": Person.objects.get(user=ma).pk,
        "assignee_job_role": "",
        "priority": "100",
        "is_active": "on",
    }
    assert as_wang.post(reverse("hazards:rule_add"), form).status_code == 302
    rule = RoutingRule.objects.latest("id")
    assert _report(zhang, category="electrical").assignee.user == ma

    form["priority"] = "50"
    edit = reverse("hazards:rule_edit", args=[rule.pk])
    assert as_wang.get(edit, **EN).status_code == 200
    assert as_wang.post(edit, form).status_code == 302
    rule.refresh_from_db()
    assert rule.priority == 50

    assert as_wang.post(edit, {"set_active": "0"}).status_code == 302
    rule.refresh_from_db()
    assert not rule.is_active
    assert _report(zhang, category="electrical").assignee.user == qian


def test_rule_form_refuses_both_a_person_and_a_job_role(as_wang, ma):
    response = as_wang.post(
        reverse("hazards:rule_add"),
        {
            "category": HazardCategory.objects.get(code="fire").pk,
            "assignee": Person.objects.get(user=ma).pk,
            "assignee_job_role": JobRole.objects.get(code="electrician").pk,
            "priority": "100",
            "is_active": "on",
        },
        **EN,
    )

    assert response.status_code == 200
    assert response.context["form"].has_error("assignee", "one_assignee")


def test_admin_switches_anonymous_reporting_on_and_off(as_wang):
    url = reverse("hazards:settings_edit")

    as_wang.post(url, {"anonymous_reporting": "1"})
    assert HazardSettings.current().anonymous_reporting
    as_wang.post(url, {"anonymous_reporting": "0"})
    assert not HazardSettings.current().anonymous_reporting


@pytest.mark.parametrize("client_name", ["as_zhang", "as_li"])
def test_operator_and_team_leader_get_the_forbidden_page(request, client_name):
    client = request.getfixturevalue(client_name)
    rule = RoutingRule.objects.first()

    assert client.get(reverse("hazards:config")).status_code == 403
    assert client.get(reverse("hazards:rule_add")).status_code == 403
    response = client.post(
        reverse("hazards:grade_edit", args=["serious"]),
        {"deadline_hours": "1", "reminder_before_hours": "0", "level_1": "team_leader"},
    )
    assert response.status_code == 403
    switch_off = client.post(reverse("hazards:rule_edit", args=[rule.pk]), {"set_active": "0"})
    assert switch_off.status_code == 403
    anonymous = client.post(reverse("hazards:settings_edit"), {"anonymous_reporting": "1"})
    assert anonymous.status_code == 403
    rule.refresh_from_db()
    assert rule.is_active and _serious().deadline_hours == 48
    assert not HazardSettings.current().anonymous_reporting
    assert reverse("hazards:config") not in client.get("/h/").content.decode()


def test_signed_out_visitor_is_sent_to_sign_in(acme_client):
    response = acme_client.get(reverse("hazards:config"))

    assert response.status_code == 302 and "login" in response["Location"]


def test_globex_admin_sees_only_globex_rules(as_chen, globex, wang):
    acme_rule = _electrical_rule_for_ma(wang)
    with tenant_context(globex):
        globex_rules = set(RoutingRule.objects.values_list("pk", flat=True))

    response = as_chen.get(reverse("hazards:config"))

    assert response.status_code == 200
    assert {rule.pk for rule in response.context["rules"]} == globex_rules
    assert "Ma Jun" not in response.content.decode()
    with tenant_context(globex):
        assert not RoutingRule.objects.filter(assignee__isnull=False).exists()
    assert acme_rule.pk  # still Acme's
