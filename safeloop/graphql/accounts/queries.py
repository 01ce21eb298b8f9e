"""Who is asking and where: the viewer and the enterprise of this host."""

from __future__ import annotations

import strawberry
from strawberry import Info

from safeloop.graphql.accounts.types import Enterprise, Viewer
from safeloop.graphql.permissions import current_user


@strawberry.type
class AccountsQuery:
    @strawberry.field(description="The signed-in user.")
    def viewer(self, info: Info) -> Viewer:
        request = info.context.request
        return Viewer.of(current_user(info), request.LANGUAGE_CODE)

    @strawberry.field(description="The enterprise this host belongs to.")
    def enterprise(self, info: Info) -> Enterprise:
        return Enterprise.of(info.context.request.tenant)
