"""Keeping outsiders (contractors' workers, crew leads, suppliers) to their own pages.

An outsider signs in as a ``Person`` of their own kind holding only outsider roles, so
the permission checks already refuse them the enterprise's pages; this middleware is
the second wall. Pages open to them are named here, by URL namespace or URL name, by
the apps that serve them (``open_to_outsiders`` from ``AppConfig.ready()``); every
other page of the workspace answers the outsider's 403, and the workspace home sends
them to their own home (``OUTSIDER_HOME``) instead.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import redirect

from safeloop.web.guards import forbidden

# Where an outsider lands instead of the workspace home.
OUTSIDER_HOME = "portal:home"
_WORKSPACE_HOMES = {"home", "workspace:home"}

# Namespaces and URL names ("namespace:name", or "name" outside any namespace).
_open: set[str] = {
    "portal",
    "set_language",
    # Signing in and out (a shared phone changes hands), and the language.
    "accounts",
    "account_login",
    "account_logout",
    "favicon",
    "webapp_manifest",
    "certificate_verify",
    # The API answers by the caller's permissions (an outsider's token: their own scope).
    "graphql",
}


def open_to_outsiders(*names: str) -> None:
    """Let outsiders reach these namespaces or URL names (their views still check who)."""
    _open.update(names)


def is_outsider(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    person = getattr(user, "person", None)
    return bool(person is not None and person.is_outsider)


def _opens(match) -> bool:
    if match.view_name in _open:
        return True
    namespaces = match.namespaces
    return any(":".join(namespaces[: i + 1]) in _open for i in range(len(namespaces)))


class OutsiderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is None or not is_outsider(getattr(request, "user", None)):
            return None
        if match.view_name in _WORKSPACE_HOMES:
            return redirect(OUTSIDER_HOME)
        if _opens(match):
            return None
        return forbidden(request, outsider=True)
