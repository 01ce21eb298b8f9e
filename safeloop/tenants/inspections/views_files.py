"""Inspection files: answer photos to who may see the inspection, guidance images to inspectors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from safeloop.access import can
from safeloop.platform.files import serve_tenant_file
from safeloop.tenants.inspections.models import Answer, CheckItem
from safeloop.tenants.inspections.permissions import InspectionPerm
from safeloop.tenants.inspections.selectors import visible_inspections


@require_GET
@login_required
def answer_photo(request: HttpRequest, pk: int) -> HttpResponse:
    answer = Answer.objects.filter(pk=pk, inspection__in=visible_inspections(request.user)).first()
    if answer is None:
        raise Http404
    return serve_tenant_file(answer.photo)


@require_GET
@login_required
def guidance_image(request: HttpRequest, pk: int) -> HttpResponse:
    # What "good" looks like is shown to everyone who inspects, not just managers.
    if not can(request.user, InspectionPerm.INSPECTIONS_DO):
        raise Http404
    item = CheckItem.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    return serve_tenant_file(item.guidance_image)
