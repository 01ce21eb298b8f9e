"""API token mutations: thin calls into ``tenants/accounts/services.py``."""

from __future__ import annotations

import strawberry
from strawberry import Info, relay

from safeloop.graphql.accounts.types import ApiTokenType
from safeloop.graphql.errors import MutationError, find, mutation
from safeloop.graphql.permissions import current_user
from safeloop.tenants.accounts import services


@strawberry.input
class CreateApiTokenInput:
    name: str = strawberry.field(description="What the token is for, e.g. the integration.")


@strawberry.input
class RevokeApiTokenInput:
    id: relay.GlobalID


@strawberry.type
class CreateApiTokenPayload:
    token: ApiTokenType | None = None
    secret: str | None = strawberry.field(
        default=None,
        description="Send as `Authorization: Bearer <secret>`. Shown this once; store it now.",
    )
    errors: list[MutationError] = strawberry.field(default_factory=list)


@strawberry.type
class RevokeApiTokenPayload:
    token: ApiTokenType | None = None
    errors: list[MutationError] = strawberry.field(default_factory=list)


@strawberry.type
class AccountsMutation:
    @mutation(description="Create a personal API token for yourself.")
    def create_api_token(self, info: Info, input: CreateApiTokenInput) -> CreateApiTokenPayload:
        token, secret = services.create_api_token(by=current_user(info), name=input.name)
        return CreateApiTokenPayload(token=token, secret=secret)

    @mutation(description="Revoke an API token: your own, or anyone's with people.manage.")
    def revoke_api_token(self, info: Info, input: RevokeApiTokenInput) -> RevokeApiTokenPayload:
        token = find(ApiTokenType, input.id, info, field="id")
        services.revoke_api_token(token, by=current_user(info))
        return RevokeApiTokenPayload(token=token)
