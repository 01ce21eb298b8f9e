"""The workspace's plan, usage and subscription through the API (platform/billing), for
those who manage billing; Checkout, the Customer Portal and the invoicing data as
mutations. Thin: the rules are in ``safeloop/platform/billing/services.py``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry
from django.db import connection
from strawberry import Info

from safeloop.access import can, permission
from safeloop.graphql.permissions import current_user
from safeloop.platform.billing import services
from safeloop.platform.billing.permissions import BillingPerm
from safeloop.platform.models import BillingPlan


@strawberry.type(name="PlanLimitUsage", description="One limit of the plan and its use now.")
class UsageType:
    limit: str = strawberry.field(description="people, qr_points, devices or storage_mb.")
    label: str
    used: int
    allowed: int


@strawberry.type(name="BillingPlan", description="A plan: its prices and limits.")
class PlanType:
    code: str
    name: str
    price_cny: Decimal | None = strawberry.field(description="Per month, CNY; null if free.")
    price_usd: Decimal | None = strawberry.field(description="Per month, USD; null if free.")
    max_people: int
    max_qr_points: int
    max_devices: int
    max_storage_mb: int


def _plan(plan: BillingPlan) -> PlanType:
    return PlanType(
        code=plan.code,
        name=plan.name,
        price_cny=plan.price_cny,
        price_usd=plan.price_usd,
        max_people=plan.max_people,
        max_qr_points=plan.max_qr_points,
        max_devices=plan.max_devices,
        max_storage_mb=plan.max_storage_mb,
    )


@strawberry.type(name="Billing", description="The workspace's plan and subscription.")
class BillingType:
    plan: PlanType
    subscription_status: str = strawberry.field(
        description="Stripe's status (trialing, active, past_due, canceled, unpaid…); "
        "empty while on the free trial."
    )
    trial_ends_at: datetime | None
    current_period_end: datetime | None
    cancel_at_period_end: bool
    read_only: bool = strawberry.field(
        description="True when the trial ended unpaid or the subscription lapsed: "
        "nothing new can be made except hazard reports and their loop."
    )
    kept_until: datetime | None = strawberry.field(
        description="A read-only workspace's data is deleted on this day unless it subscribes."
    )
    invoice_title: str
    tax_id: str
    usage: list[UsageType]
    plans: list[PlanType] = strawberry.field(description="The plans that can be bought.")


@strawberry.type
class BillingQuery:
    @strawberry.field(description="The plan, usage and subscription; null without billing.manage.")
    def billing(self, info: Info) -> BillingType | None:
        if not can(current_user(info), permission(BillingPerm.BILLING_MANAGE)):
            return None
        o = services.overview(connection.tenant)
        return BillingType(
            plan=_plan(o.plan),
            subscription_status=o.enterprise.subscription_status,
            trial_ends_at=o.enterprise.trial_ends_at,
            current_period_end=o.enterprise.current_period_end,
            cancel_at_period_end=o.enterprise.cancel_at_period_end,
            read_only=o.read_only,
            kept_until=o.kept_until,
            invoice_title=o.enterprise.invoice_title,
            tax_id=o.enterprise.tax_id,
            usage=[
                UsageType(limit=str(u.limit), label=u.label, used=u.used, allowed=u.allowed)
                for u in o.usage
            ],
            plans=[_plan(p) for p in o.plans],
        )
