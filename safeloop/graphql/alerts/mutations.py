"""Marking the viewer's notifications read: a thin call into ``tenants/alerts/services.py``."""

from __future__ import annotations

import strawberry
from django.utils.translation import gettext as _
from strawberry import UNSET, Info, relay

from safeloop.graphql.alerts.types import NotificationType
from safeloop.graphql.errors import NOT_FOUND, MutationError
from safeloop.graphql.nodes import node_pk, visible
from safeloop.graphql.permissions import current_user
from safeloop.tenants.alerts import services


@strawberry.input
class MarkNotificationsReadInput:
    ids: list[relay.GlobalID] | None = strawberry.field(
        default=UNSET, description="The notifications to mark; leave out to mark all of yours."
    )


@strawberry.type
class MarkNotificationsReadPayload:
    marked: int = strawberry.field(default=0, description="How many were unread until now.")
    unread_count: int = strawberry.field(default=0, description="How many are still unread.")
    errors: list[MutationError] = strawberry.field(default_factory=list)


@strawberry.type
class AlertsMutation:
    @strawberry.mutation(description="Mark your notifications read: the ones given, or all.")
    def mark_notifications_read(
        self, info: Info, input: MarkNotificationsReadInput
    ) -> MarkNotificationsReadPayload:
        user = current_user(info)
        ids = None
        if input.ids not in (UNSET, None):
            pks = {node_pk(global_id, NotificationType) for global_id in input.ids}
            ids = set(
                visible(NotificationType, info)
                .filter(pk__in=[pk for pk in pks if pk is not None])
                .values_list("pk", flat=True)
            )
            if None in pks or len(ids) < len(pks):
                message = _("Nothing with this ID exists here.")
                return MarkNotificationsReadPayload(
                    unread_count=services.unread_count(user),
                    errors=[MutationError(field="ids", code=NOT_FOUND, message=message)],
                )
        marked = services.mark_read(user, ids)
        return MarkNotificationsReadPayload(marked=marked, unread_count=services.unread_count(user))
