"""The shell's notification badge: ``{% load alerts_shell %}{% unread_notifications as n %}``."""

from __future__ import annotations

from django import template
from django_tenants.utils import get_public_schema_name

from safeloop.tenants.alerts.services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """Unread inbox notifications of the signed-in user; 0 on the public site.

    Counted once per request, however often the page asks.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    tenant = getattr(request, "tenant", None)
    if (
        user is None
        or not user.is_authenticated
        or tenant is None
        or tenant.schema_name == get_public_schema_name()
    ):
        return 0
    cached = getattr(request, "_safeloop_unread", None)
    if cached is None:
        cached = request._safeloop_unread = unread_count(user)
    return cached
