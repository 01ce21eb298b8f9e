"""Marking the viewer's notifications read: a thin call into ``tenants/alerts/services.py``."""

from __future__ import annotations

import strawberry
from django.utils.translation import gettext as _
from strawberry import UNSET, Info, relay

from safeloop.graphql.alerts.types import NotificationType
from safeloop.graphql.errors import NOT_FOUND, MutationError, mutation
from safeloop.graphql.nodes import node_pk, visible
from safeloop.graphql.permissions import current_user
from safeloop.platform.errors import field_error
from safeloop.tenants.alerts import services


@strawberry.input
class MarkNotificationsReadInput:
    ids: list[relay.GlobalID] | None = strawberry.field(
        default=UNSET, description="The notifications to mark; leave out to mark all of yours."
    )


def _unread_count(info: Info) -> int:
    # Resolved after the mutation, also when it failed: the badge stays right either way.
    return services.unread_count(current_user(info))


@strawberry.type
class MarkNotificationsReadPayload:
    marked: int = strawberry.field(default=0, description="How many were unread until now.")
    unread_count: int = strawberry.field(
        resolver=_unread_count, description="How many are still unread."
    )
    errors: list[MutationError] = strawberry.field(default_factory=list)


@strawberry.type
class AlertsMutation:
    @mutation(description="Mark your notifications read: the ones given, or all.")
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
                raise field_error("ids", _("Nothing with this ID exists here."), NOT_FOUND)
        return MarkNotificationsReadPayload(marked=services.mark_read(user, ids))
