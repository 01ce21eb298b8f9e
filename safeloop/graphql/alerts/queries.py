"""The viewer's inbox."""

from __future__ import annotations

import strawberry
import strawberry_django

from safeloop.graphql.alerts.types import NotificationConnection, NotificationFilter


@strawberry.type
class AlertsQuery:
    my_notifications: NotificationConnection = strawberry_django.connection(
        filters=NotificationFilter,
        description="Your in-app notifications, newest first, with how many are unread.",
    )
