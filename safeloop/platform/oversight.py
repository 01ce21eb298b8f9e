"""Group HQs and district authorities over their enterprises' KPI aggregates.

An HQ (or authority) issues a one-use invitation code; an enterprise's admin sees
who asks and what they will see, and accepts (consent) — or later leaves, which
takes the site out of every HQ page at once. HQ accounts are users of the public
schema; they read ``SiteKpis`` (daily aggregates) and the monthly report PDFs,
never an enterprise's records or people.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from safeloop.access import can, ensure_can, permission
from safeloop.platform import scoring
from safeloop.platform.models import (
    Enterprise,
    Invitation,
    Membership,
    Oversight,
    OversightAccount,
    OversightKind,
    SiteKpis,
)

log = logging.getLogger(__name__)

INVITATION_DAYS = 14
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a phone
SHARE = "reports.share"


# --- Setting up (HQ side, command line, demo) -------------------------------------------


def create_oversight(name: str, kind: str = OversightKind.GROUP) -> Oversight:
    with schema_context("public"):
        return Oversight.objects.create(name=name, kind=kind)


def create_account(oversight: Oversight, email: str, password: str) -> OversightAccount:
    """An HQ or authority person who signs in on the public host with ``email``."""
    email = email.strip().lower()
    with schema_context("public"), transaction.atomic():
        user = get_user_model().objects.create_user(username=email, email=email, password=password)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return OversightAccount.objects.create(user=user, oversight=oversight)


def account_of(user) -> OversightAccount | None:
    """The user's HQ account, when the user is one (public schema only)."""
    if not getattr(user, "is_authenticated", False) or connection.schema_name != "public":
        return None
    return OversightAccount.objects.select_related("oversight").filter(user=user).first()


def issue_invitation(oversight: Oversight, *, days: int = INVITATION_DAYS) -> Invitation:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    code = "-".join(raw[i : i + 4] for i in (0, 4, 8))
    with schema_context("public"):
        invitation = Invitation.objects.create(
            oversight=oversight, code=code, expires_at=timezone.now() + timedelta(days=days)
        )
    log.info("Invitation issued by oversight %s, valid %s days", oversight.pk, days)
    return invitation


# --- Joining and leaving (the enterprise's side, in its schema) -------------------------


def normalise_code(raw: str) -> str:
    plain = "".join(ch for ch in (raw or "").upper() if ch.isalnum())
    return "-".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def _valid_invitation(raw: str, enterprise: Enterprise, *, lock: bool = False) -> Invitation:
    invitations = Invitation.objects.select_related("oversight")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(code=normalise_code(raw)).first()
    if invitation is None:
        raise ValidationError(_("This invitation code is not valid. Check it with who sent it."))
    if invitation.used_at is not None:
        raise ValidationError(_("This invitation code has already been used. Ask for a new one."))
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation code has expired. Ask for a new one."))
    if Membership.objects.filter(
        oversight=invitation.oversight, enterprise=enterprise, left_at__isnull=True
    ).exists():
        raise ValidationError(
            _("Your enterprise already shares its figures with %(name)s.")
            % {"name": invitation.oversight.name}
        )
    return invitation


def preview_invitation(raw: str, *, by) -> Oversight:
    """Who asks (for the consent page); the same refusals as ``accept_invitation``."""
    ensure_can(by, permission(SHARE))
    return _valid_invitation(raw, connection.tenant).oversight


@transaction.atomic
def accept_invitation(raw: str, *, by) -> Membership:
    """The current enterprise joins the inviting HQ or authority (its admin consents)."""
    from safeloop.tenants.audit.services import record_event

    ensure_can(by, permission(SHARE))
    enterprise = connection.tenant
    invitation = _valid_invitation(raw, enterprise, lock=True)
    now = timezone.now()
    invitation.used_at, invitation.used_by = now, enterprise
    invitation.save(update_fields=["used_at", "used_by"])
    membership = Membership.objects.create(
        oversight=invitation.oversight, enterprise=enterprise, joined_at=now
    )
    record_event(
        None,
        "oversight.joined",
        by=by,
        object_type="oversight",
        object_id=invitation.oversight_id,
        name=invitation.oversight.name,
        kind=invitation.oversight.kind,
    )
    return membership


@transaction.atomic
def leave(membership_id: int, *, by) -> Membership:
    """Stop sharing with an HQ or authority: its pages lose the site at once."""
    from safeloop.tenants.audit.services import record_event

    ensure_can(by, permission(SHARE))
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("oversight")
        .filter(pk=membership_id, enterprise=connection.tenant, left_at__isnull=True)
        .first()
    )
    if membership is None:
        raise ValidationError(_("Your enterprise does not share its figures there any more."))
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    record_event(
        None,
        "oversight.left",
        by=by,
        object_type="oversight",
        object_id=membership.oversight_id,
        name=membership.oversight.name,
    )
    return membership


def memberships_of(enterprise: Enterprise) -> list[Membership]:
    return list(
        Membership.objects.select_related("oversight")
        .filter(enterprise=enterprise, left_at__isnull=True)
        .order_by("joined_at")
    )


# --- What an HQ or authority sees --------------------------------------------------------


@dataclass(frozen=True)
class SiteRank:
    rank: int
    enterprise_id: int
    name: str
    industry: str
    score: scoring.Score
    previous: scoring.Score  # the period before, for the trend

    @property
    def trend(self) -> str:
        now, before = self.score.points, self.previous.points
        if now is None or before is None or abs(now - before) < 0.05:
            return "flat" if now is not None and before is not None else ""
        return "up" if now > before else "down"


def sites(oversight: Oversight) -> list[Enterprise]:
    """The enterprises sharing with ``oversight`` now (left ones are gone at once)."""
    return list(
        Enterprise.objects.filter(
            memberships__oversight=oversight, memberships__left_at__isnull=True
        ).order_by("name")
    )


def site(oversight: Oversight, enterprise_id: int) -> Enterprise | None:
    return next((e for e in sites(oversight) if e.pk == enterprise_id), None)


def _values_by_site(ids: list[int], first: date, last: date) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {pk: [] for pk in ids}
    rows = SiteKpis.objects.filter(enterprise_id__in=ids, day__gte=first, day__lte=last)
    for enterprise_id, values in rows.values_list("enterprise_id", "values"):
        found[enterprise_id].append(values)
    return found


# Each site's KPI totals over two periods, pooled by PostgreSQL: a few rows a site
# whatever the number of days (the JSON of every day never reaches Python).
_POOLED_SQL = """
SELECT k.enterprise_id, k.day >= %(first)s AS current, kpi.key,
       SUM(COALESCE((kpi.value->>'numerator')::int, 0)),
       SUM(COALESCE((kpi.value->>'denominator')::int, 0)),
       BOOL_OR(COALESCE((kpi.value->>'measured')::boolean, true))
FROM platform_sitekpis k, jsonb_each(k."values") AS kpi
WHERE k.enterprise_id = ANY(%(ids)s) AND k.day >= %(since)s AND k.day <= %(last)s
GROUP BY 1, 2, 3
"""
_DAYS_SQL = """
SELECT enterprise_id, day >= %(first)s, COUNT(*) FROM platform_sitekpis
WHERE enterprise_id = ANY(%(ids)s) AND day >= %(since)s AND day <= %(last)s GROUP BY 1, 2
"""


def ranking(oversight: Oversight, days: int, end: date | None = None) -> list[SiteRank]:
    """The sites of ``oversight`` ranked by their score over the last ``days`` days
    (best first; without a score, last), each with the period before for the trend.
    Three queries whatever the number of sites and days."""
    first, last = scoring.period(days, end)
    members = sites(oversight)
    ids = [e.pk for e in members]
    totals = {(pk, current): scoring.Totals() for pk in ids for current in (True, False)}
    params = {"first": first, "since": first - timedelta(days=days), "last": last, "ids": ids}
    with connection.cursor() as cursor:
        cursor.execute(_POOLED_SQL, params)
        for pk, current, code, numerator, denominator, measured in cursor.fetchall():
            if measured:
                totals[(pk, current)].add(code, int(numerator), int(denominator))
        cursor.execute(_DAYS_SQL, params)
        for pk, current, count in cursor.fetchall():
            totals[(pk, current)].days = count
    scored = [
        (e, scoring.score_totals(totals[(e.pk, True)]), scoring.score_totals(totals[(e.pk, False)]))
        for e in members
    ]
    scored.sort(key=lambda t: (t[1].points is None, -(t[1].points or 0), t[0].name))
    return [
        SiteRank(i, e.pk, e.name, e.industry, s, p) for i, (e, s, p) in enumerate(scored, start=1)
    ]


def site_days(enterprise: Enterprise, days: int, end: date | None = None) -> list[SiteKpis]:
    first, last = scoring.period(days, end)
    return list(
        SiteKpis.objects.filter(enterprise=enterprise, day__gte=first, day__lte=last).order_by(
            "-day"
        )
    )


def own_score(enterprise: Enterprise, days: int = 90) -> scoring.Score:
    """An enterprise's own score and advice, as an authority grades it."""
    first, last = scoring.period(days)
    return scoring.score(_values_by_site([enterprise.pk], first, last)[enterprise.pk])


def grade_panel(user) -> dict | None:
    """The home panel of an enterprise's own grade and advice (the authority's view of it),
    for those who oversee the loop; one query."""
    if not (can(user, permission("hazards.view_all")) or can(user, permission("risks.manage"))):
        return None
    return {"score": own_score(connection.tenant), "days": 90}
