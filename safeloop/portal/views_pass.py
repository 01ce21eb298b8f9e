"""A worker's site pass on their phone (/p/pass/<token>/): number, status, validity and
the QR code the guard scans. A minimal page until the gate-check pages bring theirs;
the token is the pass's unguessable secret, so the page needs no sign-in."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from safeloop.contractors import services
from safeloop.platform.urls_util import tenant_absolute_url
from safeloop.portal.views import _private
from safeloop.tenants.facilities.qr import qr_svg


@never_cache
def pass_page(request: HttpRequest, token: str) -> HttpResponse:
    site_pass = services.pass_for_token(token)
    if site_pass is None:
        raise Http404
    url = tenant_absolute_url(site_pass.get_absolute_url())
    return _private(
        render(
            request,
            "portal/pass.html",
            {"site_pass": site_pass, "worker": site_pass.worker, "qr": qr_svg(url)},
        )
    )
