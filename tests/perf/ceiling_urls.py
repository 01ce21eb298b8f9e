"""An enterprise host's URLs plus the two pages of the ceiling (tests/perf/ceiling.py)."""

from __future__ import annotations

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse

from safeloop.platform.urls_tenant import handler500  # noqa: F401 — as on a tenant's host
from safeloop.platform.urls_tenant import urlpatterns as tenant_urlpatterns
from safeloop.tenants.facilities.qr import resolve_token

# About the QR page's size, so both ceilings send what the page sends.
PAGE = b"<!doctype html>" + b"x" * 62_000


def signed_in(request: HttpRequest) -> HttpResponse:
    """The middleware, the session and the user, then a constant page."""
    if not request.user.is_authenticated:
        return redirect(reverse("accounts:quick_login"))
    return HttpResponse(PAGE)


def cached_point(request: HttpRequest, token: str) -> HttpResponse:
    """The QR page at its cheapest: the token's lookup, then the page from one cache read."""
    if resolve_token(token) is None:
        raise Http404
    if not request.user.is_authenticated:
        return redirect(reverse("accounts:quick_login"))
    page = cache.get("bench.ceiling.page")
    if page is None:
        page = PAGE
        cache.set("bench.ceiling.page", page, 600)
    return HttpResponse(page)


urlpatterns = [
    path("ceiling/signed-in/", signed_in),
    path("ceiling/q/<str:token>/", cached_point),
    *tenant_urlpatterns,
]
