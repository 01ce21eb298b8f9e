"""Template tags of the web shell: navigation and permission checks."""

from __future__ import annotations

from django import template
from django.utils.translation import pgettext

from safeloop.access import ROLE_LABELS, Role, permission
from safeloop.access import can as user_can
from safeloop.web.nav import NavLink, nav_for

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_entries(context) -> list[NavLink]:
    """``{% nav_entries as entries %}``: the navigation the current user may see."""
    request = context.get("request")
    if request is None:
        return []
    return nav_for(getattr(request, "user", None), request.path)


@register.filter
def can(user, perm: str) -> bool:
    """``{% if user|can:"people.manage" %}``: whether ``user`` holds the permission."""
    return user_can(user, permission(perm))


@register.filter
def person_name(user) -> str:
    """The person's name as the enterprise entered it, else the account's, else the email."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    person = getattr(user, "person", None)
    name = getattr(person, "full_name", "") if person is not None else ""
    return name or user.get_full_name() or user.email or user.get_username()


@register.filter
def role_label(value: str) -> str:
    """``{{ role|role_label }}``: a role's name in the current language."""
    try:
        return str(ROLE_LABELS[Role(value)])
    except ValueError:
        return value


@register.simple_tag
def colon() -> str:
    """``{% translate "Area" %}{% colon %} W1``: "Area: W1" in English, "区域：W1" in Chinese.

    Chinese takes the full-width colon with no space after it; a colon typed into
    the template after a translated label would be half-width in both languages.
    """
    return pgettext("label separator", ": ")
