"""A worker's site pass on their phone (/p/pass/<token>/): the card with photo, name,
company, crew, work types, number, zones, validity and the QR code the guard scans;
its status in the enterprise's words; and the printable card (card.pdf).

The token is the pass's unguessable secret, so these pages need no sign-in; another
enterprise's token, or a made-up one, is a 404 here."""

from __future__ import annotations

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from safeloop.contractors import services
from safeloop.contractors.models import SitePass
from safeloop.contractors.pass_card import pass_card_pdf
from safeloop.platform.files import serve_tenant_file
from safeloop.platform.urls_util import tenant_absolute_url
from safeloop.portal.views import _private
from safeloop.tenants.facilities.qr import qr_svg


def _pass(token: str) -> SitePass:
    site_pass = services.pass_for_token(token)
    if site_pass is None:
        raise Http404
    return site_pass


def _url(site_pass: SitePass) -> str:
    """What the QR code holds: the pass page on this enterprise's served host and port."""
    return tenant_absolute_url(site_pass.get_absolute_url())


@never_cache
@require_GET
def pass_page(request: HttpRequest, token: str) -> HttpResponse:
    site_pass = _pass(token)
    url = _url(site_pass)
    return _private(
        render(
            request,
            "portal/pass.html",
            {
                "site_pass": site_pass,
                "worker": site_pass.worker,
                "zones": site_pass.zones.order_by("code"),
                "qr": qr_svg(url, label=site_pass.number),
            },
        )
    )


@never_cache
@require_GET
def pass_card(request: HttpRequest, token: str) -> HttpResponse:
    site_pass = _pass(token)
    tenant = getattr(connection, "tenant", None)
    pdf = pass_card_pdf(site_pass, _url(site_pass), getattr(tenant, "name", "") or "")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="pass-{site_pass.number}.pdf"'
    return _private(response)


@never_cache
@require_GET
def pass_photo(request: HttpRequest, token: str) -> HttpResponse:
    return _private(serve_tenant_file(_pass(token).worker.photo, request))
