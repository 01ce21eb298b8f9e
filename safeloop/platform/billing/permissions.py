"""Who may see and change the enterprise's subscription and invoicing data."""

from __future__ import annotations

from enum import StrEnum

from safeloop.access import Role, declare


class BillingPerm(StrEnum):
    # Subscribe, change plan, manage the card and invoices, set the 发票抬头 and 税号.
    BILLING_MANAGE = "billing.manage"


declare(BillingPerm, {Role.ADMIN: {BillingPerm.BILLING_MANAGE}})
