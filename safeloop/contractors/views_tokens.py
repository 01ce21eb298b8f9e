"""API tokens for outsiders, from the supplier's page and the crew lead's page: a
manager issues a named token (the secret is shown once, on the page that answers the
POST, and stored nowhere in clear) and revokes live ones. Thin: the rules are in
services/accounts.py."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from safeloop.contractors import services
from safeloop.contractors.models import Crew, Supplier
from safeloop.contractors.permissions import ContractorPerm
from safeloop.platform.urls_util import tenant_absolute_url
from safeloop.tenants.accounts.models import ApiToken
from safeloop.tenants.facilities.models import Person
from safeloop.web.guards import guarded

MANAGE = ContractorPerm.CONTRACTOR_MANAGE
ANCHOR = "#api"


def api_access(
    person: Person | None,
    *,
    holder: str,
    scope: str,
    issue_url: str,
    revoke_name: str,
    owner_pk: int,
) -> dict:
    """What the "API access" section shows: who holds the tokens and whose data they
    see, where to issue one, and the live ones, each with the URL that revokes it."""
    tokens = [
        (token, reverse(revoke_name, args=[owner_pk, token.pk]))
        for token in services.live_tokens(person)
    ]
    return {
        "holder": holder,
        "scope": scope,
        "issue_url": issue_url,
        "tokens": tokens,
        "has_account": person is not None,
    }


def supplier_api_access(supplier: Supplier) -> dict:
    return api_access(
        supplier.account,
        holder=supplier.name,
        scope=supplier.name,
        issue_url=reverse("contractors:supplier_token_issue", args=[supplier.pk]),
        revoke_name="contractors:supplier_token_revoke",
        owner_pk=supplier.pk,
    )


def crew_lead_api_access(crew: Crew) -> dict | None:
    """None until the crew's lead has portal access."""
    person = services.crew_lead_token_holder(crew)
    if person is None:
        return None
    return api_access(
        person,
        holder=crew.lead.name,
        scope=crew.company.name,
        issue_url=reverse("contractors:crew_lead_token_issue", args=[crew.pk]),
        revoke_name="contractors:crew_lead_token_revoke",
        owner_pk=crew.pk,
    )


def _refused(request: HttpRequest, exc: ValidationError, back: str) -> HttpResponse:
    for errors in exc.message_dict.values():
        for message in errors:
            messages.error(request, message)
    return redirect(back + ANCHOR)


# A first query for the example call, one the holder's scope answers.
SUPPLIER_QUERY = "{ supplierReports { edges { node { period status } } } }"
CREW_LEAD_QUERY = "{ contractorWorkers { edges { node { name } } } }"


def _issued(request, token: ApiToken, secret: str, *, holder: str, back: str, query: str):
    return render(
        request,
        "contractors/token_issued.html",
        {
            "token": token,
            "secret": secret,
            "holder": holder,
            "endpoint": tenant_absolute_url("/graphql/"),
            "back": back + ANCHOR,
            "example_query": query,
        },
    )


def _token_of(person: Person | None, token_pk: int) -> ApiToken:
    """A token of ``person``'s, or 404: an id of another holder's (or enterprise's) token
    opens nothing here."""
    if person is None:
        raise Http404
    return get_object_or_404(ApiToken, pk=token_pk, user_id=person.user_id)


def _revoke(request: HttpRequest, token: ApiToken, back: str) -> HttpResponse:
    try:
        services.revoke_outsider_token(token, by=request.user)
    except ValidationError as exc:
        return _refused(request, exc, back)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect(back + ANCHOR)


# --- A supplier's tokens ----------------------------------------------------------------


@never_cache
@require_POST
@guarded(MANAGE)
def supplier_token_issue(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier, pk=pk)
    back = supplier.get_absolute_url()
    try:
        token, secret = services.issue_supplier_token(
            supplier, by=request.user, name=request.POST.get("name", "")
        )
    except ValidationError as exc:
        return _refused(request, exc, back)
    return _issued(request, token, secret, holder=supplier.name, back=back, query=SUPPLIER_QUERY)


@require_POST
@guarded(MANAGE)
def supplier_token_revoke(request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
    supplier = get_object_or_404(Supplier.objects.select_related("account"), pk=pk)
    token = _token_of(supplier.account, token_pk)
    return _revoke(request, token, supplier.get_absolute_url())


# --- A crew lead's tokens ---------------------------------------------------------------


def _crew(pk: int) -> Crew:
    return get_object_or_404(Crew.objects.select_related("lead__person__user"), pk=pk)


@never_cache
@require_POST
@guarded(MANAGE)
def crew_lead_token_issue(request: HttpRequest, pk: int) -> HttpResponse:
    crew = _crew(pk)
    back = reverse("contractors:crew_lead", args=[crew.pk])
    person = services.crew_lead_token_holder(crew)
    if person is None:
        messages.error(request, _("Give the crew's lead portal access first."))
        return redirect(back)
    try:
        token, secret = services.issue_outsider_token(
            person, by=request.user, name=request.POST.get("name", "")
        )
    except ValidationError as exc:
        return _refused(request, exc, back)
    holder = f"{crew.lead.name} · {crew.name}"
    return _issued(request, token, secret, holder=holder, back=back, query=CREW_LEAD_QUERY)


@require_POST
@guarded(MANAGE)
def crew_lead_token_revoke(request: HttpRequest, pk: int, token_pk: int) -> HttpResponse:
    crew = _crew(pk)
    person = crew.lead.person if crew.lead_id and crew.lead.person_id else None
    token = _token_of(person, token_pk)
    return _revoke(request, token, reverse("contractors:crew_lead", args=[crew.pk]))
