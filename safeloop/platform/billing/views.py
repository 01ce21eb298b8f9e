"""The billing page (enterprise host), the pricing page and Stripe's webhook (public host).
Thin: services.py and webhooks.py decide."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from safeloop.access import permission
from safeloop.platform.billing import services
from safeloop.platform.billing.stripe_api import BillingUnavailable
from safeloop.platform.billing.webhooks import BadWebhook, receive_event
from safeloop.platform.models import BillingPlan, Enterprise
from safeloop.web.guards import guarded

log = logging.getLogger(__name__)
MANAGE = "billing.manage"


@guarded(permission(MANAGE))
@require_GET
def billing_page(request: HttpRequest) -> HttpResponse:
    outcome = request.GET.get("checkout")
    if outcome not in ("success", "cancel"):
        return _page(request)
    # Said once, then back to the plain page: a reload must not thank again, nor say
    # "confirming" about a subscription that is active by then.
    if outcome == "cancel":
        messages.info(request, _("Checkout was cancelled; nothing was charged."))
    elif services.has_live_subscription(Enterprise.objects.get(pk=connection.tenant.pk)):
        messages.success(request, _("Thank you! Your subscription is active."))
    else:
        messages.success(
            request,
            _("Thank you! Stripe is confirming the payment; the plan updates within a minute."),
        )
    return redirect("billing:page")


def _page(request: HttpRequest, *, form_errors: dict | None = None, status: int = 200):
    return render(
        request,
        "platform/billing/billing.html",
        {
            "o": services.overview(connection.tenant),
            "form_errors": form_errors or {},
            "stripe_ready": bool(settings.STRIPE_SECRET_KEY),
        },
        status=status,
    )


@guarded(permission(MANAGE))
@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    try:
        url = services.start_checkout(
            connection.tenant,
            by=request.user,
            plan_code=request.POST.get("plan", ""),
            return_url=services.billing_url(request),
        )
    except (ValidationError, BillingUnavailable) as exc:
        messages.error(request, _message(exc))
        return redirect("billing:page")
    return redirect(url)


@guarded(permission(MANAGE))
@require_POST
def portal(request: HttpRequest) -> HttpResponse:
    try:
        url = services.open_portal(
            connection.tenant, by=request.user, return_url=services.billing_url(request)
        )
    except (ValidationError, BillingUnavailable) as exc:
        messages.error(request, _message(exc))
        return redirect("billing:page")
    return redirect(url)


@guarded(permission(MANAGE))
@require_POST
def invoicing(request: HttpRequest) -> HttpResponse:
    try:
        services.save_invoicing(
            connection.tenant,
            by=request.user,
            invoice_title=request.POST.get("invoice_title", ""),
            tax_id=request.POST.get("tax_id", ""),
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"general": exc.messages}
        # (templates cannot read "__all__")
        errors["general"] = errors.pop("__all__", []) + errors.get("general", [])
        return _page(request, form_errors=errors, status=400)
    except BillingUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("billing:page")
    messages.success(request, _("Invoicing details saved."))
    return redirect("billing:page")


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


# --- The public host ------------------------------------------------------------------


@require_GET
def pricing(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "platform/billing/pricing.html",
        {"plans": list(BillingPlan.objects.all()), "trial_days": settings.SAFELOOP_TRIAL_DAYS},
    )


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Stripe's one webhook endpoint: verified, stored once, answered at once."""
    try:
        event, is_new = receive_event(request.body, request.headers.get("Stripe-Signature", ""))
    except BadWebhook as exc:
        log.warning("Refused a Stripe webhook: %s", exc)
        return HttpResponseBadRequest("bad signature or payload")
    return HttpResponse("ok" if is_new else "duplicate", content_type="text/plain")
