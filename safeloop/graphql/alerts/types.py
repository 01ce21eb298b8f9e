"""The viewer's notifications (通知): their in-app inbox."""

from __future__ import annotations

import strawberry
import strawberry_django
from django.db.models import Q, QuerySet
from strawberry import Info, auto
from strawberry_django.relay import DjangoListConnection

from safeloop.graphql.nodes import TenantNode
from safeloop.graphql.permissions import current_user
from safeloop.tenants.alerts import models, services


@strawberry_django.type(
    models.Notification,
    name="Notification",
    description="Something you were told, such as a hazard to fix or a fix to check. Yours only.",
)
class NotificationType(TenantNode):
    event: auto = strawberry_django.field(
        description="What it is about, e.g. hazard.assigned, hazard.awaiting_acceptance."
    )
    subject: auto
    body: auto
    link: auto = strawberry_django.field(description="Where to act on it (absolute URL).")
    urgent: auto
    created_at: auto
    read_at: auto

    @strawberry_django.field(only=["read_at"])
    def is_read(self, root: models.Notification) -> bool:
        return root.read_at is not None

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return queryset.filter(recipient_id=current_user(info).pk, channel=models.Channel.INBOX)


@strawberry.type(name="NotificationConnection")
class NotificationConnection(DjangoListConnection[NotificationType]):
    @strawberry.field(
        description="How many of your notifications are unread (whatever the filter)."
    )
    def unread_count(self, info: Info) -> int:
        return services.unread_count(current_user(info))


@strawberry_django.filter_type(models.Notification, description="Narrow your notifications.")
class NotificationFilter:
    @strawberry_django.filter_field(description="true: only unread ones; false: only read ones.")
    def unread(self, value: bool, prefix: str) -> Q:
        return Q(**{f"{prefix}read_at__isnull": value})

    event: str | None = strawberry_django.filter_field(description="Only this kind.")
