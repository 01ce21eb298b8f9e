"""Who may open a page: the guard for employees and the one for outsiders.

Employees sign in and hold roles (``guarded``). Outsiders -- contractor workers
at the gate, suppliers -- have no account and no ``Person``: a page for them
says how it recognises the visitor (``outsider_guarded``). Either way a refusal
is the same 403 page, which tells an outsider nothing about the workspace.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeloop.access import Permission, can


def forbidden(request: HttpRequest, *, outsider: bool = False) -> HttpResponse:
    """The 403 page; an outsider's has no way into the workspace and no safety manager."""
    return render(request, "web/forbidden.html", {"outsider": outsider}, status=403)


def guarded(perm: Permission | None = None) -> Callable:
    """Sign-in required; without ``perm`` (or when a service refuses) the 403 page."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if perm is not None and not can(request.user, perm):
                return forbidden(request)
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied:
                return forbidden(request)

        return wrapped

    return decorator


def outsider_guarded(identify: Callable[[HttpRequest], Any | None]) -> Callable:
    """For pages outsiders use: no sign-in, no ``Person``, no roles.

    ``identify(request)`` returns who the visitor is (say, the contractor worker
    a site pass or a gate registration in the session names) or ``None``. The
    view receives it as ``request.outsider``; ``None``, or a service refusing
    with ``PermissionDenied``, gives the outsider's 403 page.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            outsider = identify(request)
            if outsider is None:
                return forbidden(request, outsider=True)
            request.outsider = outsider
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied:
                return forbidden(request, outsider=True)

        return wrapped

    return decorator
