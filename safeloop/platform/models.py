"""The tenant registry in the public schema."""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class Plan(models.TextChoices):
    TRIAL = "trial", _("Free trial")
    STANDARD = "standard", _("Standard")
    ENTERPRISE = "enterprise", _("Enterprise")


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

    # Provisioning clones the base schema explicitly, inside one transaction,
    # so that a failure leaves no orphan schema (see provisioning.py).
    auto_create_schema = False
    auto_drop_schema = True

    class Meta:
        ordering = ["name"]

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
