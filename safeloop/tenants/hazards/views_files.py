"""Evidence files (hazard photos, the signatures of fixers and acceptors), served only to
who may see the hazard.

Files never get a public URL: each request is checked against the hazard's
visibility (selectors.visible_hazards) and the tenant prefix of the key. A
third-party verifier, who sees no hazard list, gets the files of one hazard
through its verifier page, which adds ``?v=<verifier_token>`` to the links.
On S3 the response is a redirect to a short-lived presigned URL.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from safeloop.access import can
from safeloop.platform.files import serve_tenant_file
from safeloop.tenants.hazards import major
from safeloop.tenants.hazards.major_report import major_report_pdf
from safeloop.tenants.hazards.models import Acceptance, HazardPhoto, Rectification
from safeloop.tenants.hazards.permissions import HazardPerm
from safeloop.tenants.hazards.selectors import hazards_open_to, visible_hazards
from safeloop.web.guards import forbidden


def _hazard_rule(request: HttpRequest) -> Q:
    """Which hazards' files this request may read: the visible ones, or the verifier's one."""
    return Q(hazard__in=hazards_open_to(request.user, request.GET.get("v", "")))


def _serve(queryset: QuerySet, request: HttpRequest, pk: int, field: str) -> HttpResponse:
    obj = queryset.filter(_hazard_rule(request), pk=pk).first()
    if obj is None:
        raise Http404
    return serve_tenant_file(getattr(obj, field))


@require_GET
@login_required
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    return _serve(HazardPhoto.objects.all(), request, pk, "image")


@require_GET
@login_required
def signature(request: HttpRequest, pk: int) -> HttpResponse:
    return _serve(Rectification.objects.all(), request, pk, "signature")


@require_GET
@login_required
def acceptance_signature(request: HttpRequest, pk: int) -> HttpResponse:
    return _serve(Acceptance.objects.exclude(signature=""), request, pk, "signature")


@require_GET
@login_required
def major_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The major hazard's report for the regulator and the workers' congress (PDF)."""
    hazard = (
        visible_hazards(request.user)
        .select_related("area__parent", "equipment", "library_entry")
        .filter(pk=pk)
        .first()
    )
    case = major.case_of(hazard) if hazard is not None else None
    if case is None:
        raise Http404
    if not can(request.user, HazardPerm.HAZARD_MANAGE_MAJOR):
        return forbidden(request)
    response = HttpResponse(major_report_pdf(hazard, case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="major-{hazard.number}.pdf"'
    return response
