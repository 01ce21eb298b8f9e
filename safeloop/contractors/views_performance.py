"""The contractor performance page (/k/performance/): thin, the rules are in
services/performance.py."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.services import performance
from safeloop.web.guards import guarded


@guarded(ContractorPerm.CONTRACTOR_VIEW)
def performance_page(request: HttpRequest) -> HttpResponse:
    days = performance.clean_days(request.GET.get("days"))
    result = performance.contractor_performance(by=request.user, days=days)
    return render(
        request,
        "contractors/performance.html",
        {
            "result": result,
            "periods": performance.PERIODS,
            "weights": performance.WEIGHTS,
            "points": performance.POINTS_PER_PENALTY,
        },
    )
