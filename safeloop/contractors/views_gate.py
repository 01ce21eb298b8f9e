"""The managers' gate page (/k/gates/): each site's registration link, its QR code and
a printable sign."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from safeloop.contractors import services
from safeloop.contractors.gate_sign import gate_sign_pdf
from safeloop.contractors.permissions import ContractorPerm
from safeloop.platform.urls_util import tenant_absolute_url
from safeloop.tenants.facilities.qr import qr_svg
from safeloop.web.guards import guarded


def gate_url(site) -> str:
    """What the gate QR encodes: the registration page on this tenant's served host."""
    return tenant_absolute_url(reverse("portal:gate", args=[services.gate_token(site)]))


@require_GET
@guarded(ContractorPerm.CONTRACTOR_VIEW)
def gates(request: HttpRequest) -> HttpResponse:
    rows = []
    for site in services.gate_sites():
        url = gate_url(site)
        rows.append({"site": site, "url": url, "qr": qr_svg(url, label=site.name)})
    return render(
        request,
        "contractors/gates.html",
        {"gates": rows, "company_count": services.gate_companies().count()},
    )


@require_GET
@guarded(ContractorPerm.CONTRACTOR_VIEW)
def gate_sign(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(services.gate_sites(), pk=pk)
    tenant = getattr(connection, "tenant", None)
    pdf = gate_sign_pdf(site, gate_url(site), getattr(tenant, "name", "") or "")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="gate-{site.code}.pdf"'
    return response
