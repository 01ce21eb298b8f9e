"""Subscribing (Stripe Checkout), the Customer Portal and the invoicing data: each gives
the URL to open, on the host and port the caller used. Allowed in a read-only
workspace: that is where an admin pays."""

from __future__ import annotations

from collections.abc import Callable

import strawberry
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext as _
from strawberry import Info
from strawberry.utils.str_converters import to_camel_case

from safeloop.graphql.errors import INVALID, MutationError, mutation
from safeloop.graphql.permissions import current_user
from safeloop.platform.billing import services
from safeloop.platform.billing.stripe_api import BillingUnavailable
from safeloop.platform.errors import field_error
from safeloop.platform.lapse import allow_mutations_while_read_only

UNAVAILABLE = "billing_unavailable"


@strawberry.type
class BillingUrlPayload:
    url: str | None = strawberry.field(default=None, description="Open this page (Stripe's).")
    errors: list[MutationError] = strawberry.field(default_factory=list)


@strawberry.type
class SaveInvoicingPayload:
    invoice_title: str | None = None
    tax_id: str | None = None
    errors: list[MutationError] = strawberry.field(default_factory=list)


@strawberry.input
class StartCheckoutInput:
    plan: str = strawberry.field(description="standard or professional.")
    return_path: str | None = strawberry.field(
        default=None,
        description="The page of this workspace Stripe sends the admin back to "
        "(a path such as /billing/); the billing page by default.",
    )


@strawberry.input
class OpenBillingPortalInput:
    return_path: str | None = strawberry.field(
        default=None,
        description="The page of this workspace Stripe sends the admin back to "
        "(a path such as /billing/); the billing page by default.",
    )


@strawberry.input
class SaveInvoicingInput:
    invoice_title: str = strawberry.field(description="发票抬头; empty to clear.")
    tax_id: str = strawberry.field(description="税号 (unified social credit code); empty to clear.")


def _return_url(info: Info, path: str | None) -> str:
    """Back to this host and port only: a path, never another site."""
    url = services.billing_url(info.context.request)
    if not path:
        return url
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        raise field_error("return_path", _("Give a path on this site, such as /billing/."), INVALID)
    return url.removesuffix(reverse("billing:page")) + path


def _stripe(call: Callable[[], str]) -> str:
    try:
        return call()
    except BillingUnavailable as exc:
        raise ValidationError(str(exc), code=UNAVAILABLE) from None


@strawberry.type
class BillingMutation:
    @mutation(
        description="Start Stripe Checkout for a plan (standard, professional); the URL "
        "to send the admin to. Billing managers only."
    )
    def start_checkout(self, info: Info, input: StartCheckoutInput) -> BillingUrlPayload:
        return_url = _return_url(info, input.return_path)
        url = _stripe(
            lambda: services.start_checkout(
                connection.tenant,
                by=current_user(info),
                plan_code=input.plan,
                return_url=return_url,
            )
        )
        return BillingUrlPayload(url=url)

    @mutation(description="Open Stripe's Customer Portal (card, invoices, plan, cancelling).")
    def open_billing_portal(self, info: Info, input: OpenBillingPortalInput) -> BillingUrlPayload:
        return_url = _return_url(info, input.return_path)
        url = _stripe(
            lambda: services.open_portal(
                connection.tenant, by=current_user(info), return_url=return_url
            )
        )
        return BillingUrlPayload(url=url)

    @mutation(description="Set the invoice title (发票抬头) and taxpayer number (税号).")
    def save_invoicing(self, info: Info, input: SaveInvoicingInput) -> SaveInvoicingPayload:
        enterprise = services.save_invoicing(
            connection.tenant,
            by=current_user(info),
            invoice_title=input.invoice_title,
            tax_id=input.tax_id,
        )
        return SaveInvoicingPayload(
            invoice_title=enterprise.invoice_title, tax_id=enterprise.tax_id
        )


allow_mutations_while_read_only(
    *(to_camel_case(f.python_name) for f in BillingMutation.__strawberry_definition__.fields)
)
