"""The tenant registry in the public schema."""

from __future__ import annotations

import math
import re
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class Plan(models.TextChoices):
    TRIAL = "trial", _("Free trial")
    STANDARD = "standard", _("Standard")
    PROFESSIONAL = "professional", _("Professional")


class SubscriptionStatus(models.TextChoices):
    """A Stripe subscription's status, as Stripe names it ("" before any subscription)."""

    NONE = "", _("No subscription")
    TRIALING = "trialing", _("Trialing")
    ACTIVE = "active", _("Active")
    PAST_DUE = "past_due", _("Past due")
    CANCELED = "canceled", _("Canceled")
    UNPAID = "unpaid", _("Unpaid")
    INCOMPLETE = "incomplete", _("Incomplete")
    INCOMPLETE_EXPIRED = "incomplete_expired", _("Incomplete, expired")
    PAUSED = "paused", _("Paused")


# A subscription in these states keeps the workspace writable (past_due: Stripe is
# still retrying the card; the admin is told, the site keeps working).
LIVE_STATUSES = frozenset(
    {SubscriptionStatus.TRIALING, SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE}
)
# These end it whatever the trial says.
LAPSED_STATUSES = frozenset({SubscriptionStatus.CANCELED, SubscriptionStatus.UNPAID})

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC = re.compile(rf"^[{_USCC_CHARS}]{{18}}$")
_LEGACY_TAX_ID = re.compile(r"^[0-9A-Z]{15}$|^[0-9A-Z]{20}$")


def validate_tax_id(value: str) -> None:
    """A taxpayer number (税号): the 18-character unified social credit code
    (统一社会信用代码, GB 32100-2015, its last character a check digit), or a legacy
    15- or 20-character tax registration number."""
    code = (value or "").strip().upper()
    if _LEGACY_TAX_ID.match(code):
        return
    if _USCC.match(code):
        total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
        check = (31 - total % 31) % 31
        if _USCC_CHARS[check] == code[17]:
            return
    raise ValidationError(
        _(
            "Enter the 18-character unified social credit code (or a 15- or 20-character "
            "tax registration number) as it is printed on the business licence."
        ),
        code="bad_tax_id",
    )


class Enterprise(TenantMixin):
    """An enterprise (企业): one customer, one PostgreSQL schema."""

    name = models.CharField(_("company name"), max_length=200)
    slug = models.SlugField(_("sub-domain"), max_length=40, unique=True)
    industry = models.CharField(_("industry"), max_length=40)
    template_version = models.PositiveIntegerField(default=1)
    default_language = models.CharField(
        _("default language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    plan = models.CharField(max_length=20, choices=Plan.choices, default=Plan.TRIAL)
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Billing (safeloop/platform/billing/): Stripe's ids for this enterprise, and the
    # subscription's state as last fetched from Stripe by the webhook task.
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True)
    subscription_status = models.CharField(
        max_length=20, choices=SubscriptionStatus.choices, blank=True, default=""
    )
    # When that state was read from Stripe (the webhook task sets it).
    subscription_updated_at = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    # When the subscription last turned canceled or unpaid (None while live or on trial):
    # the data retention period after a lapse counts from here.
    lapsed_at = models.DateTimeField(null=True, blank=True)
    invoice_title = models.CharField(_("invoice title (发票抬头)"), max_length=200, blank=True)
    tax_id = models.CharField(
        _("taxpayer number (税号)"), max_length=20, blank=True, validators=[validate_tax_id]
    )

    # Provisioning clones the base schema explicitly, inside one transaction,
    # so that a failure leaves no orphan schema (see provisioning.py).
    auto_create_schema = False
    auto_drop_schema = True

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["stripe_customer_id"],
                condition=~models.Q(stripe_customer_id=""),
                name="enterprise_one_stripe_customer",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def delete(self, force_drop: bool = False, *args, **kwargs):
        """Deleting an enterprise through SafeLoop retires its audit seal with it.

        A seal left behind would read as a trail deleted behind our back
        (``verify-audit``: "its schema is gone"); one whose enterprise row is
        still there, or that was removed in SQL, still does.
        """
        with transaction.atomic():
            AuditSeal.objects.filter(schema_name=self.schema_name).delete()
            return super().delete(force_drop, *args, **kwargs)

    def start_trial(self, days: int | None = None) -> None:
        days = settings.SAFELOOP_TRIAL_DAYS if days is None else days
        self.plan = Plan.TRIAL
        self.trial_ends_at = timezone.now() + timedelta(days=days)

    @property
    def trial_days_left(self) -> int | None:
        if self.plan != Plan.TRIAL or not self.trial_ends_at:
            return None
        seconds = (self.trial_ends_at - timezone.now()).total_seconds()
        # Right after signup a 30-day trial has 30 days left, not 29.
        return max(0, math.ceil(seconds / 86400))

    @property
    def host(self) -> str:
        return f"{self.slug}.{settings.SAFELOOP_BASE_DOMAIN}"


class BillingPlan(models.Model):
    """A plan (套餐): its monthly prices and its limits. Rows are seeded by migration
    0009 and edited as data; the Stripe price of each paid plan comes from the
    environment (STRIPE_PRICE_STANDARD, STRIPE_PRICE_PROFESSIONAL), as it differs
    between Stripe's test and live modes."""

    code = models.CharField(max_length=20, choices=Plan.choices, unique=True)
    name_en = models.CharField(max_length=60)
    name_zh = models.CharField(max_length=60)
    price_cny = models.DecimalField(
        _("monthly price (CNY)"), max_digits=10, decimal_places=2, default=Decimal(0)
    )
    price_usd = models.DecimalField(
        _("monthly price (USD)"), max_digits=10, decimal_places=2, default=Decimal(0)
    )
    max_people = models.PositiveIntegerField(_("people"))
    max_qr_points = models.PositiveIntegerField(_("QR points"))
    max_devices = models.PositiveIntegerField(_("IoT devices"))
    max_storage_mb = models.PositiveIntegerField(_("storage (MB)"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en

    @property
    def is_paid(self) -> bool:
        return self.code != Plan.TRIAL

    @property
    def stripe_price_id(self) -> str:
        return settings.STRIPE_PRICES.get(self.code, "")


class StripeEvent(models.Model):
    """A Stripe webhook event, stored once by its id as it arrived (signature checked),
    then processed by a Celery task (safeloop/platform/billing/webhooks.py). A resent
    event finds its row and is not processed again; ``error`` says why processing
    failed or what was skipped (say, a customer no enterprise has)."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    payload = models.JSONField()
    # The event's own `created` (Stripe's clock), for reading the trail in order.
    created = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    # The enterprise it concerned, once known (kept as text: it may be deleted later).
    schema_name = models.CharField(max_length=63, blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class ErasureReason(models.TextChoices):
    TRIAL_ENDED = "trial_ended", _("the trial ended without a subscription")
    CANCELED = "canceled", _("the subscription was cancelled")
    UNPAID = "unpaid", _("the subscription was left unpaid")


class WorkspaceErasure(models.Model):
    """The public record of a lapsed workspace's data being erased after the retention
    period (safeloop/platform/billing/retention.py): opened with the first notice to
    its admins, closed when the schema and its files are gone, or cancelled when it
    subscribes again. Kept after the enterprise row is deleted: names, not keys."""

    schema_name = models.CharField(max_length=63, db_index=True)
    enterprise_name = models.CharField(max_length=200)
    slug = models.CharField(max_length=40)
    reason = models.CharField(max_length=20, choices=ErasureReason.choices)
    lapsed_at = models.DateTimeField()
    # Never sooner than the retention period after the lapse, nor than the notice
    # period after the first notice.
    erase_after = models.DateTimeField()
    # [{"at": iso time, "days_left": n, "recipients": n}] for each notice sent.
    notices = models.JSONField(default=list, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    files_deleted = models.PositiveIntegerField(default=0)
    bytes_deleted = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["schema_name"],
                condition=models.Q(cancelled_at__isnull=True, erased_at__isnull=True),
                name="one_pending_erasure_per_schema",
            )
        ]

    def __str__(self) -> str:
        return f"{self.schema_name} erase after {self.erase_after:%Y-%m-%d}"


class Domain(DomainMixin):
    """A host name that routes to an enterprise."""


class AuditSeal(models.Model):
    """The head of one schema's audit trail, kept outside that schema.

    A database superuser who disables the append-only trigger can delete a
    trail's newest events, or rewrite it whole; the seal still names the head
    the trail had (id, hash, count), under a MAC the database cannot forge.
    Written in the same transaction as every audit event (see
    safeloop.tenants.audit.services.record_event).
    """

    schema_name = models.CharField(max_length=63, unique=True)
    last_id = models.BigIntegerField()
    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField()
    # Events up to this id were written before the trail was sealed (unkeyed
    # legacy events, sealed by migration); 0 when the seal saw the first event.
    opened_after_id = models.BigIntegerField(default=0)
    sealed_at = models.DateTimeField()
    seal_mac = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"seal of {self.schema_name}: #{self.last_id} ({self.count} events)"


class SiteKpis(models.Model):
    """A copy of each enterprise's daily KPI snapshot in the public schema, so group
    HQ and regulator pages read one table across tenants (aggregates only: no
    names, no records). Written by platform.kpis when a tenant stores a snapshot."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="kpis")
    day = models.DateField()
    values = models.JSONField(default=dict)
    # The site's totals from its first day up to this one (scoring.accumulate), kept by
    # platform.kpis.store_site_kpis: a period's totals are two rows' difference.
    running = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["enterprise", "-day"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "day"], name="site_kpis_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} KPIs {self.day}"


class OversightKind(models.TextChoices):
    GROUP = "group", _("Group HQ")
    DISTRICT = "district", _("District authority")


class Oversight(models.Model):
    """A group HQ or a district authority: sees the KPI aggregates of the enterprises
    that joined it (by an invitation code their admin accepted), never their records."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(max_length=20, choices=OversightKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """An enterprise in a group or registered with a district, from joining until it
    leaves (a left membership is kept, ended, so a rejoin is a new row)."""

    oversight = models.ForeignKey(Oversight, on_delete=models.CASCADE, related_name="memberships")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["oversight", "enterprise"]
        constraints = [
            models.UniqueConstraint(
                fields=["oversight", "enterprise"],
                condition=models.Q(left_at__isnull=True),
                name="membership_once_while_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} in {self.oversight_id}"


class Invitation(models.Model):
    """A one-use code an HQ or authority gives an enterprise's admin to join."""

    oversight = models.ForeignKey(Oversight, on_delete=models.CASCADE, related_name="invitations")
    code = models.CharField(max_length=20, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"invitation to {self.oversight_id}"


class OversightAccount(models.Model):
    """A person at a group HQ or an authority: a user of the public schema (never an
    enterprise's), signing in on the public host, tied to one oversight."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oversight_account"
    )
    oversight = models.ForeignKey(Oversight, on_delete=models.CASCADE, related_name="accounts")

    def __str__(self) -> str:
        return f"{self.user_id} at {self.oversight_id}"


class OversightAction(models.TextChoices):
    INVITATION_ISSUED = "invitation.issued", _("made invitation code %(code)s")
    INVITATION_WITHDRAWN = "invitation.withdrawn", _("withdrew invitation code %(code)s")
    ACCOUNT_ADDED = "account.added", _("added account %(email)s")
    ACCOUNT_REMOVED = "account.removed", _("removed account %(email)s")
    SITE_JOINED = "site.joined", _("%(site)s began sharing its figures")
    SITE_LEFT = "site.left", _("%(site)s stopped sharing its figures")


class OversightEvent(models.Model):
    """What was done at or to an HQ or authority: its own trail in the public schema
    (the sites' consent to share is also in each site's audit trail). Append-only by
    convention: written by platform/oversight.py, never edited."""

    oversight = models.ForeignKey(Oversight, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=32, choices=OversightAction.choices)
    # Who did it: an HQ person's e-mail (kept as text when the account is later
    # removed); "" for the command line and for a site joining or leaving (its people
    # stay with the site).
    actor = models.CharField(max_length=254, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["oversight", "-at"], name="platform_oe_recent")]

    def __str__(self) -> str:
        return f"{self.action} at {self.oversight_id}"

    @property
    def text(self) -> str:
        return str(OversightAction(self.action).label) % {
            key: self.detail.get(key, "") for key in ("code", "email", "site")
        }


class IotDrop(models.Model):
    """Messages the IoT bridge dropped, counted per enterprise and reason.

    Kept in the public schema: a message for an unknown enterprise has no schema
    of its own (``schema_name`` is then ""). The bridge adds to ``count`` once per
    batch; ``last_topic`` and ``last_detail`` say what the latest one was.
    """

    schema_name = models.CharField(max_length=63, blank=True)
    reason = models.CharField(max_length=20)
    count = models.BigIntegerField(default=0)
    last_at = models.DateTimeField(default=timezone.now)
    last_topic = models.CharField(max_length=200, blank=True)
    last_detail = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["schema_name", "reason"], name="platform_one_drop_row")
        ]

    def __str__(self) -> str:
        return f"{self.schema_name or '?'}: {self.reason} × {self.count}"
