"""Downloads of the risk register: the XLSX register and the notification cards.

All take the register's filters (``risks.filters``); a wrong filter value is
refused (400) rather than ignored, so a download never silently holds more
than the user asked for.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from safeloop.platform.files import private_download
from safeloop.tenants.risks import export
from safeloop.tenants.risks.card import cards_for, risk_card_pdf
from safeloop.tenants.risks.filters import parse_filters
from safeloop.tenants.risks.models import RiskPoint
from safeloop.tenants.risks.permissions import RiskPerm
from safeloop.tenants.risks.reports import register_queryset
from safeloop.web.guards import guarded

# A card takes a few tens of milliseconds to draw; past this the request would
# time out behind the proxy.
MAX_CARDS = 200


def _bad_request(messages: list[str]) -> HttpResponse:
    return HttpResponse(
        "\n".join(str(m) for m in messages), status=400, content_type="text/plain; charset=utf-8"
    )


def _register(request: HttpRequest):
    """The active points the query string's filters select, or the 400 to answer."""
    filters = parse_filters(request.GET)
    if filters.errors:
        return None, _bad_request(list(filters.errors.values()))
    return filters.apply(RiskPoint.objects.filter(is_active=True)), None


@guarded(RiskPerm.RISKS_VIEW)
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """GET /r/export.xlsx?band=&area=&level=&kind=&q=&reassess= — the register (清单)."""
    points, refusal = _register(request)
    if refusal is not None:
        return refusal
    return private_download(
        export.register_xlsx(points), export.CONTENT_TYPE, export.filename(), attachment=True
    )


@guarded(RiskPerm.RISKS_VIEW)
def card_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /r/<pk>/card.pdf — the point's notification card (岗位风险告知卡)."""
    point = get_object_or_404(register_queryset(RiskPoint.objects.all()), pk=pk)
    return private_download(
        risk_card_pdf([point]), "application/pdf", f"risk-card-{point.code}.pdf", attachment=False
    )


def _ids(request: HttpRequest) -> list[int] | None:
    """The ``ids`` asked for in order (``ids=1,2,3`` or repeated); None when one is no id."""
    ids: list[int] = []
    for raw in request.GET.getlist("ids"):
        for part in raw.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit():
                return None
            if int(part) not in ids:
                ids.append(int(part))
    return ids


@guarded(RiskPerm.RISKS_VIEW)
def cards_pdf(request: HttpRequest) -> HttpResponse:
    """GET /r/cards.pdf?ids=1,2,3 — those points' cards, in that order; without ``ids``
    the cards of the register's filters (its order: most severe first)."""
    if "ids" in request.GET:
        ids = _ids(request)
        if not ids:
            return _bad_request([_("List the risk points as ids=1,2,3.")])
        if len(ids) > MAX_CARDS:
            return _bad_request([_("At most %(n)d cards at a time.") % {"n": MAX_CARDS}])
        found = {p.pk: p for p in cards_for(RiskPoint.objects.filter(pk__in=ids))}
        points = [found[pk] for pk in ids if pk in found]
    else:
        selected, refusal = _register(request)
        if refusal is not None:
            return refusal
        if selected.count() > MAX_CARDS:
            return _bad_request(
                [_("At most %(n)d cards at a time: narrow the filters.") % {"n": MAX_CARDS}]
            )
        points = cards_for(selected)
    if not points:
        raise Http404
    return private_download(
        risk_card_pdf(points), "application/pdf", "risk-cards.pdf", attachment=False
    )
