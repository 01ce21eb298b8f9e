"""The viewer (who is signed in), their enterprise, and their API tokens."""

from __future__ import annotations

from datetime import datetime

import strawberry
import strawberry_django
from django.db.models import QuerySet
from strawberry import Info, auto
from strawberry_django.optimizer import optimize

from safeloop.access import can, permissions_of, roles_of
from safeloop.graphql.facilities.enums import Permission, Role
from safeloop.graphql.facilities.types import PersonType
from safeloop.graphql.nodes import TenantNode, visible
from safeloop.graphql.permissions import current_user
from safeloop.tenants.accounts.models import ApiToken
from safeloop.tenants.facilities.permissions import FacilityPerm


@strawberry_django.type(ApiToken, name="ApiToken")
class ApiTokenType(TenantNode):
    """A personal API token (`Authorization: Bearer slk_...`). The secret is shown only once."""

    name: auto
    prefix: str = strawberry_django.field(description="The first characters of the secret.")
    created_at: auto
    last_used_at: auto = strawberry_django.field(description="Updated at most every 5 minutes.")
    revoked_at: auto

    @strawberry_django.field(only=["revoked_at"])
    def is_active(self, root: ApiToken) -> bool:
        """False once revoked."""
        return root.is_active

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        # People managers may revoke anyone's token; everyone else sees their own.
        user = current_user(info)
        if can(user, FacilityPerm.MANAGE_PEOPLE):
            return queryset
        return queryset.filter(user_id=user.pk)


@strawberry.type(description="The signed-in user (or the owner of the API token in use).")
class Viewer:
    email: str
    name: str
    language: str = strawberry.field(description="The language of this response (zh-hans, en).")
    roles: list[Role]
    permissions: list[Permission]

    @strawberry.field(description="Your employee record; null for an account without one.")
    def person(self, info: Info) -> PersonType | None:
        queryset = visible(PersonType, info).filter(user_id=current_user(info).pk)
        return optimize(queryset, info).first()

    @strawberry.field(description="Your API tokens, newest first, revoked ones included.")
    def api_tokens(self, info: Info) -> list[ApiTokenType]:
        queryset = visible(ApiTokenType, info).filter(user_id=current_user(info).pk)
        return list(optimize(queryset, info))

    @classmethod
    def of(cls, user, language: str) -> Viewer:
        return cls(
            email=user.email,
            name=user.get_full_name() or user.email,
            language=language,
            roles=sorted(roles_of(user)),
            permissions=sorted(permissions_of(user)),
        )


@strawberry.type(description="The enterprise (企业) this host belongs to.")
class Enterprise:
    name: str
    slug: str = strawberry.field(description="The sub-domain: <slug>.<base domain>.")
    industry: str = strawberry.field(description="The industry template it started from.")
    plan: str = strawberry.field(description="trial, standard or professional.")
    trial_ends_at: datetime | None
    trial_days_left: int | None = strawberry.field(
        description="Whole days left in the free trial; null when not on a trial."
    )
    default_language: str = strawberry.field(description="zh-hans or en.")

    @classmethod
    def of(cls, tenant) -> Enterprise:
        return cls(
            name=tenant.name,
            slug=tenant.slug,
            industry=tenant.industry,
            plan=tenant.plan,
            trial_ends_at=tenant.trial_ends_at,
            trial_days_left=tenant.trial_days_left,
            default_language=tenant.default_language,
        )
