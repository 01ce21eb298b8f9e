"""The enterprise's hazard rules through the API: grades, routing rules (派单规则),
anonymous reporting. Reading the routing rules and every change here need
``hazards.configure``; the mutations are thin calls into
``tenants/hazards/config_services.py``, which validates and audits.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
import strawberry_django
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from strawberry import UNSET, Info, auto, relay

from safeloop.graphql.errors import (
    NOT_FOUND,
    MutationError,
    changes_of,
    find,
    mutation,
)
from safeloop.graphql.facilities.enums import Role
from safeloop.graphql.facilities.types import (
    AreaType,
    EquipmentTypeType,
    JobRoleType,
    PersonType,
)
from safeloop.graphql.hazards.enums import AcceptanceLevel, HazardGrade
from safeloop.graphql.hazards.types import GradePolicyType, HazardCategoryType
from safeloop.graphql.nodes import TenantNode, node_pk
from safeloop.graphql.permissions import current_user, visible_if
from safeloop.platform.errors import field_error
from safeloop.tenants.hazards import config_services, models
from safeloop.tenants.hazards.permissions import HazardPerm
from safeloop.tenants.hazards.services import policy_for


@strawberry_django.type(
    models.RoutingRule,
    name="RoutingRule",
    description="Who fixes a new hazard (派单规则). The rules are tried in the order "
    "`routingRules` lists them: more conditions first, then the lower priority number; the "
    "first that finds someone wins.",
)
class RoutingRuleType(TenantNode):
    priority: auto = strawberry_django.field(
        description="Among rules with as many conditions, the lower number is tried first."
    )
    category: HazardCategoryType | None = strawberry_django.field(
        description="Only hazards of this category; null: any."
    )
    area: AreaType | None = strawberry_django.field(
        description="Only hazards in this area or below it; null: anywhere."
    )
    equipment_type: EquipmentTypeType | None = strawberry_django.field(
        description="Only hazards on equipment of this type; null: any."
    )
    assignee: PersonType | None = strawberry_django.field(
        description="The person it goes to; null when the rule names a job role."
    )
    assignee_job_role: JobRoleType | None = strawberry_django.field(
        description="Someone with this job role in the hazard's workshop; null when the rule "
        "names a person."
    )
    is_active: auto = strawberry_django.field(description="False: switched off, never tried.")

    @strawberry_django.field(only=["category_id", "area_id", "equipment_type_id"])
    def is_catch_all(self, root: models.RoutingRule) -> bool:
        """No conditions (兜底规则): takes any hazard no other rule takes."""
        return config_services.is_catch_all(root)

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return visible_if(queryset, info, HazardPerm.HAZARD_CONFIGURE)


@strawberry.type(description="Enterprise-wide switches for hazard reporting.")
class HazardSettings:
    anonymous_reporting: bool = strawberry.field(
        description="True: people may report without their name (off by default)."
    )


@strawberry.type
class HazardsConfigQuery:
    @strawberry_django.field(
        description="The routing rules in the order they are tried, switched-off ones last "
        "(needs hazards.configure; empty without it)."
    )
    def routing_rules(self, info: Info) -> list[RoutingRuleType]:
        return visible_if(config_services.rules_in_order(), info, HazardPerm.HAZARD_CONFIGURE)

    @strawberry.field(description="Enterprise-wide switches for hazard reporting.")
    def hazard_settings(self) -> HazardSettings:
        return HazardSettings(
            anonymous_reporting=models.HazardSettings.current().anonymous_reporting
        )


# --- Inputs and payloads ----------------------------------------------------------------


@strawberry.input(description="Fields left out are left alone.")
class UpdateGradePolicyInput:
    grade: HazardGrade = strawberry.field(description="The grade whose policy changes.")
    deadline_hours: int | None = strawberry.field(
        default=UNSET, description="Hours from report to deadline (整改期限), at least 1."
    )
    reminder_before_hours: int | None = strawberry.field(
        default=UNSET, description="Hours before the deadline; fewer than deadlineHours."
    )
    escalate_after_hours: int | None = strawberry.field(
        default=UNSET, description="Hours after the deadline before the first escalation."
    )
    second_escalation_after_hours: int | None = strawberry.field(
        default=UNSET, description="Hours after the deadline; more than escalateAfterHours."
    )
    notify_roles: list[Role] | None = strawberry.field(
        default=UNSET, description="Roles told as soon as a hazard of this grade is reported."
    )
    acceptance_levels: list[AcceptanceLevel] | None = strawberry.field(
        default=UNSET,
        description="The acceptance path (验收流程): who signs off, in this order; "
        "at least one level, each once. Hazards already reported keep theirs.",
    )


@strawberry.input
class CreateRoutingRuleInput:
    category: relay.GlobalID | None = None
    area: relay.GlobalID | None = None
    equipment_type: relay.GlobalID | None = None
    assignee: relay.GlobalID | None = strawberry.field(
        default=None, description="A person; give this or assigneeJobRole, not both."
    )
    assignee_job_role: relay.GlobalID | None = None
    priority: int = 100
    is_active: bool = True
    catch_all: bool = strawberry.field(
        default=False, description="Required to create a rule without any condition."
    )


@strawberry.input(description="Fields left out are left alone; null clears a condition.")
class UpdateRoutingRuleInput:
    id: relay.GlobalID
    category: relay.GlobalID | None = UNSET
    area: relay.GlobalID | None = UNSET
    equipment_type: relay.GlobalID | None = UNSET
    assignee: relay.GlobalID | None = UNSET
    assignee_job_role: relay.GlobalID | None = UNSET
    priority: int | None = UNSET
    is_active: bool | None = strawberry.field(default=UNSET, description="False switches it off.")
    catch_all: bool | None = strawberry.field(
        default=UNSET, description="Needed when the change leaves the rule without conditions."
    )


@strawberry.input
class SetAnonymousReportingInput:
    enabled: bool


@strawberry.type
class GradePolicyPayload:
    grade_policy: GradePolicyType | None = None
    errors: list[MutationError] = strawberry.field(default_factory=list)


@strawberry.type
class RoutingRulePayload:
    routing_rule: RoutingRuleType | None = None
    errors: list[MutationError] = strawberry.field(default_factory=list)


@strawberry.type
class HazardSettingsPayload:
    settings: HazardSettings | None = None
    errors: list[MutationError] = strawberry.field(default_factory=list)


_RELATIONS = {
    "category": HazardCategoryType,
    "area": AreaType,
    "equipment_type": EquipmentTypeType,
    "assignee": PersonType,
    "assignee_job_role": JobRoleType,
}


def _values(data: Any, info: Info) -> dict[str, Any]:
    """The set fields as the services take them: rows for IDs, values for enums."""
    values = {}
    for field, value in changes_of(data, skip=("id", "grade")).items():
        if field in _RELATIONS:
            value = find(_RELATIONS[field], value, info, field=field)
        elif isinstance(value, list):
            value = [v.value if isinstance(v, Enum) else v for v in value]
        values[field] = value
    return values


def _rule(rule_id: relay.GlobalID) -> models.RoutingRule:
    # Not through the type's get_queryset: without hazards.configure the service says
    # permission_denied, which tells more than not_found.
    pk = node_pk(rule_id, RoutingRuleType)
    rule = models.RoutingRule.objects.filter(pk=pk).first() if pk else None
    if rule is None:
        raise field_error("id", _("Nothing with this ID exists here."), NOT_FOUND)
    return rule


@strawberry.type
class HazardsConfigMutation:
    @mutation(
        description="Change what a grade means (needs hazards.configure). Applies to hazards "
        "reported afterwards; those already reported keep their deadline and acceptance path."
    )
    def update_grade_policy(self, info: Info, input: UpdateGradePolicyInput) -> GradePolicyPayload:
        policy = config_services.update_grade_policy(
            policy_for(input.grade.value), by=current_user(info), **_values(input, info)
        )
        return GradePolicyPayload(grade_policy=policy)

    @mutation(description="Add a routing rule (needs hazards.configure).")
    def create_routing_rule(self, info: Info, input: CreateRoutingRuleInput) -> RoutingRulePayload:
        rule = config_services.create_routing_rule(by=current_user(info), **_values(input, info))
        return RoutingRulePayload(routing_rule=rule)

    @mutation(description="Change a routing rule or switch it off (needs hazards.configure).")
    def update_routing_rule(self, info: Info, input: UpdateRoutingRuleInput) -> RoutingRulePayload:
        rule = _rule(input.id)
        rule = config_services.update_routing_rule(
            rule, by=current_user(info), **_values(input, info)
        )
        return RoutingRulePayload(routing_rule=rule)

    @mutation(description="Allow or stop anonymous hazard reports (needs hazards.configure).")
    def set_anonymous_reporting(
        self, info: Info, input: SetAnonymousReportingInput
    ) -> HazardSettingsPayload:
        settings = config_services.set_anonymous_reporting(
            by=current_user(info), enabled=input.enabled
        )
        return HazardSettingsPayload(
            settings=HazardSettings(anonymous_reporting=settings.anonymous_reporting)
        )
