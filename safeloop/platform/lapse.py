"""A workspace whose trial ended unpaid, or whose subscription lapsed, is read-only.

Everything can still be viewed and exported (every GET works); nothing new is
made, with the exceptions a safety product owes its users: anyone can still
report a hazard from a QR code, the loop on existing hazards can still be
finished, people can sign in and out, and an admin can reach the billing pages
to pay. Paying restores everything at once: a workspace the routing cache's
copy shows read-only is read afresh from the database before a change is refused.
A lapse reaches the other processes within the routing cache's TTL.

The apps name their own exceptions from their ``AppConfig.ready()`` (this module
imports no app)::

    allow_while_read_only("hazards:act")
    allow_while_read_only("qr:point", when=lambda request: ...)
    allow_mutations_while_read_only("reportHazard", ...)

GraphQL requests are posts: a query goes through, a mutation only if every one
of its top-level fields is allowed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name

from safeloop.platform.models import (
    LAPSED_STATUSES,
    LIVE_STATUSES,
    Enterprise,
)

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
READ_ONLY_CODE = "read_only"
# 402 Payment Required: the request was fine, the workspace needs a subscription.
READ_ONLY_STATUS = 402

# url name ("namespace:name") → a test on the request, or None for always allowed.
_ALLOWED_VIEWS: dict[str, Callable[[HttpRequest], bool] | None] = {
    # Signing in and out, and choosing a language.
    "account_login": None,
    "account_logout": None,
    "accounts:sign_in": None,
    "accounts:quick_login": None,
    "accounts:signin_link": None,
    "accounts:set_language": None,
    "set_language": None,
}
# Whole namespaces: the billing pages, where the admin pays.
_ALLOWED_NAMESPACES: set[str] = {"billing"}
_GRAPHQL_VIEWS: set[str] = set()
_ALLOWED_MUTATIONS: set[str] = set()


def allow_while_read_only(url_name: str, when: Callable[[HttpRequest], bool] | None = None):
    """Let posts to ``url_name`` through a read-only workspace (when ``when(request)``)."""
    _ALLOWED_VIEWS[url_name] = when


def graphql_endpoint(url_name: str) -> None:
    """``url_name`` serves GraphQL: its posts are judged by their operation."""
    _GRAPHQL_VIEWS.add(url_name)


def allow_mutations_while_read_only(*field_names: str) -> None:
    """These top-level Mutation fields (GraphQL names) work in a read-only workspace."""
    _ALLOWED_MUTATIONS.update(field_names)


def workspace_is_read_only(enterprise: Enterprise) -> bool:
    """True when the trial has ended without a live (trialing, active, past_due)
    subscription, or the subscription is canceled or unpaid."""
    status = enterprise.subscription_status
    if status in LAPSED_STATUSES:
        return True
    if status in LIVE_STATUSES:
        return False
    ends = enterprise.trial_ends_at
    return ends is not None and ends <= timezone.now()


def read_only_message(enterprise: Enterprise) -> str:
    if enterprise.subscription_status in LAPSED_STATUSES:
        return _(
            "This workspace is read-only: its subscription has lapsed. An admin can "
            "subscribe again on the billing page; everything can still be viewed and exported."
        )
    return _(
        "This workspace is read-only: the trial has ended. An admin can subscribe on the "
        "billing page; everything can still be viewed and exported."
    )


def fresh_enterprise(pk: int) -> Enterprise | None:
    """The enterprise row as it is now (the routing cache may hold an older copy)."""
    return (
        Enterprise.objects.only("pk", "trial_ends_at", "subscription_status", "plan")
        .filter(pk=pk)
        .first()
    )


class ReadOnlyLapseMiddleware:
    """Refuse state changes in a read-only workspace (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS:
            return None
        tenant = getattr(request, "tenant", None)
        if tenant is None or tenant.schema_name == get_public_schema_name():
            return None
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        if _allowed_view(request, view_name, match):
            return None
        # The routing cache's copy first: a writable workspace costs no query (a lapse
        # reaches other processes within the routing TTL). Only one that looks read-only
        # is read afresh, so paying restores writes at once.
        if not workspace_is_read_only(tenant):
            return None
        enterprise = fresh_enterprise(tenant.pk)
        if enterprise is None or not workspace_is_read_only(enterprise):
            return None
        if view_name in _GRAPHQL_VIEWS:
            fields = mutation_fields(request)
            if fields is not None and fields <= _ALLOWED_MUTATIONS:
                return None
        return refuse(request, enterprise, graphql=view_name in _GRAPHQL_VIEWS)


def _allowed_view(request: HttpRequest, view_name: str, match) -> bool:
    if match is not None and _ALLOWED_NAMESPACES & set(match.namespaces):
        return True
    if view_name not in _ALLOWED_VIEWS:
        return False
    when = _ALLOWED_VIEWS[view_name]
    return when is None or bool(when(request))


def refuse(request: HttpRequest, enterprise: Enterprise, *, graphql: bool) -> HttpResponse:
    message = read_only_message(enterprise)
    log.info(
        "read-only workspace %s refused %s %s", connection.schema_name, request.method, request.path
    )
    wants_json = graphql or "application/json" in request.headers.get("Accept", "")
    if wants_json:
        return JsonResponse(
            {"errors": [{"message": message, "extensions": {"code": READ_ONLY_CODE}}]},
            status=READ_ONLY_STATUS,
        )
    return render(
        request,
        "platform/billing/read_only.html",
        {"message": message},
        status=READ_ONLY_STATUS,
    )


# --- GraphQL: which mutation fields a request would run -------------------------------


def mutation_fields(request: HttpRequest) -> set[str] | None:
    """The top-level fields of the mutation(s) the request would run: an empty set for a
    query, None when the body cannot be read (refused: nothing can be judged)."""
    from graphql import GraphQLError, parse
    from graphql.language import (
        FragmentDefinitionNode,
        OperationDefinitionNode,
        OperationType,
    )

    body = _graphql_body(request)
    if body is None:
        return None
    items = body if isinstance(body, list) else [body]
    found: set[str] = set()
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("query"), str):
            return None
        try:
            document = parse(item["query"])
        except GraphQLError:
            continue  # the view answers a syntax error; it runs nothing
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        name = item.get("operationName")
        if name:
            operations = [op for op in operations if op.name and op.name.value == name]

        for operation in operations:
            if operation.operation == OperationType.MUTATION:
                _collect_fields(operation.selection_set, fragments, found)
    return found


def _collect_fields(selection_set, fragments: dict, found: set[str], seen=frozenset()) -> None:
    """The top-level field names of a selection set, through fragments, into ``found``."""
    from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode

    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value != "__typename":
                found.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            _collect_fields(selection.selection_set, fragments, found, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                _collect_fields(fragments[name].selection_set, fragments, found, seen | {name})


def _graphql_body(request: HttpRequest):
    content_type = request.content_type or ""
    try:
        if content_type.startswith("multipart/"):
            # The GraphQL multipart request spec: the operation is the "operations" field.
            return json.loads(request.POST.get("operations") or "null")
        if content_type == "application/json":
            return json.loads(request.body or b"null")
        if "query" in request.POST:
            return {"query": request.POST["query"], **_name(request.POST)}
    except (ValueError, UnicodeDecodeError):
        return None
    return None


def _name(data) -> dict[str, str]:
    return {"operationName": data["operationName"]} if data.get("operationName") else {}
