"""Group HQs and district authorities over their enterprises' KPI aggregates.

An HQ (or authority) issues a one-use invitation code; an enterprise's admin sees
who asks and what they will see, and accepts (consent) — or later leaves, which
takes the site out of every HQ page at once. HQ accounts are users of the public
schema; they read ``SiteKpis`` (daily aggregates) and the monthly report PDFs,
never an enterprise's records or people.
"""

from __future__ import annotations

import json
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
    OversightAction,
    OversightEvent,
    OversightKind,
    SiteKpis,
)

log = logging.getLogger(__name__)

INVITATION_DAYS = 14
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed on a phone
SHARE = "reports.share"


# --- Setting up (HQ side, command line, demo) -------------------------------------------


def _record(oversight_id: int, action: str, *, by=None, **detail) -> None:
    """One line of the HQ's own trail; ``by`` is the person (None: the command line)."""
    actor = ""
    if by is not None:
        actor = getattr(by, "email", "") or str(by)
    OversightEvent.objects.create(
        oversight_id=oversight_id, action=action, actor=actor, detail=detail
    )


def recent_events(oversight: Oversight, limit: int = 10) -> list[OversightEvent]:
    """The HQ's latest actions and the sites' joining and leaving, newest first."""
    with schema_context("public"):
        return list(oversight.events.all()[:limit])


def create_oversight(name: str, kind: str = OversightKind.GROUP) -> Oversight:
    with schema_context("public"):
        return Oversight.objects.create(name=name, kind=kind)


def create_account(oversight: Oversight, email: str, password: str) -> OversightAccount:
    """An HQ or authority person who signs in on the public host with ``email``."""
    email = email.strip().lower()
    with schema_context("public"), transaction.atomic():
        user = get_user_model().objects.create_user(username=email, email=email, password=password)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        account = OversightAccount.objects.create(user=user, oversight=oversight)
        _record(oversight.pk, OversightAction.ACCOUNT_ADDED, email=email)
        return account


def remove_account(email: str) -> OversightAccount:
    """Ends an HQ or authority person's access at once: the account goes and the user is
    deactivated (its sessions stop working); nothing of the sites changes."""
    email = (email or "").strip().lower()
    with schema_context("public"), transaction.atomic():
        account = (
            OversightAccount.objects.select_related("user", "oversight")
            .filter(user__email__iexact=email)
            .first()
        )
        if account is None:
            raise ValidationError(
                _("No HQ or authority account has the address %(email)s.") % {"email": email}
            )
        account.user.is_active = False
        account.user.save(update_fields=["is_active"])
        account.delete()
        _record(account.oversight_id, OversightAction.ACCOUNT_REMOVED, email=email)
    log.info("Oversight account %s of oversight %s removed", account.user_id, account.oversight_id)
    return account


def account_of(user) -> OversightAccount | None:
    """The user's HQ account, when the user is one (public schema only)."""
    if not getattr(user, "is_authenticated", False) or connection.schema_name != "public":
        return None
    return OversightAccount.objects.select_related("oversight").filter(user=user).first()


def issue_invitation(oversight: Oversight, *, by=None, days: int = INVITATION_DAYS) -> Invitation:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(12))
    code = "-".join(raw[i : i + 4] for i in (0, 4, 8))
    with schema_context("public"), transaction.atomic():
        invitation = Invitation.objects.create(
            oversight=oversight, code=code, expires_at=timezone.now() + timedelta(days=days)
        )
        _record(oversight.pk, OversightAction.INVITATION_ISSUED, by=by, code=code)
    log.info("Invitation issued by oversight %s, valid %s days", oversight.pk, days)
    return invitation


def open_invitations(oversight: Oversight) -> list[Invitation]:
    """The codes not used yet and not expired, newest first, for the HQ to see or withdraw."""
    with schema_context("public"):
        return list(
            oversight.invitations.filter(
                used_at__isnull=True, expires_at__gt=timezone.now()
            ).order_by("-created_at")
        )


def withdraw_invitation(oversight: Oversight, invitation_id: int, *, by=None) -> Invitation:
    """Ends an open code of ``oversight`` now (a code given to the wrong person): whoever
    types it is told it has expired. Another oversight's code is not found."""
    with schema_context("public"), transaction.atomic():
        invitation = (
            oversight.invitations.select_for_update()
            .filter(pk=invitation_id, used_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
        if invitation is None:
            raise ValidationError(_("This invitation code is no longer open."))
        invitation.expires_at = timezone.now()
        invitation.save(update_fields=["expires_at"])
        _record(oversight.pk, OversightAction.INVITATION_WITHDRAWN, by=by, code=invitation.code)
    log.info("Invitation %s withdrawn by oversight %s", invitation.pk, oversight.pk)
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
    # The HQ learns which site joined, not who at the site agreed (no people, as the
    # consent page promises); the site's own trail names the person.
    _record(invitation.oversight_id, OversightAction.SITE_JOINED, site=enterprise.name)
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
    _record(membership.oversight_id, OversightAction.SITE_LEFT, site=connection.tenant.name)
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
        )
        .only("pk", "name", "industry", "schema_name")
        .order_by("name")
    )


def site(oversight: Oversight, enterprise_id: int) -> Enterprise | None:
    return next((e for e in sites(oversight) if e.pk == enterprise_id), None)


# Each site's running totals (platform.kpis.store_site_kpis) at the end of the period,
# of the period before and of the one before that: a period's totals are the difference
# of two, so three index probes a site whatever the number of days.
_EDGES_SQL = """
SELECT site.id, edge.n, kpis.running
FROM unnest(%(ids)s::int[]) AS site(id)
CROSS JOIN (
    VALUES (0, %(last)s::date), (1, %(before)s::date), (2, %(earlier)s::date)
) AS edge(n, day)
JOIN LATERAL (
    SELECT k.running FROM platform_sitekpis k
    WHERE k.enterprise_id = site.id AND k.day <= edge.day ORDER BY k.day DESC LIMIT 1
) AS kpis ON true
"""


def _totals(ids: list[int], days: int, end: date | None) -> dict[int, tuple]:
    """Per site, its totals over the last ``days`` days and over the ``days`` before."""
    first, last = scoring.period(days, end)
    params = {
        "ids": ids,
        "last": last,
        "before": first - timedelta(days=1),
        "earlier": first - timedelta(days=days + 1),
    }
    edges: dict[tuple[int, int], dict] = {}
    with connection.cursor() as cursor:
        cursor.execute(_EDGES_SQL, params)
        for pk, n, running in cursor.fetchall():
            edges[(pk, n)] = json.loads(running)  # Django reads jsonb as text
    found = {}
    for pk in ids:
        at_end, before, earlier = (edges.get((pk, n), {}) for n in (0, 1, 2))
        found[pk] = (scoring.between(at_end, before), scoring.between(before, earlier))
    return found


def ranking(oversight: Oversight, days: int, end: date | None = None) -> list[SiteRank]:
    """The sites of ``oversight`` ranked by their score over the last ``days`` days
    (best first; without a score, last), each with the period before for the trend.
    Two queries whatever the number of sites and days."""
    members = sites(oversight)
    totals = _totals([e.pk for e in members], days, end)
    scored = [
        (e, scoring.score_totals(totals[e.pk][0]), scoring.score_totals(totals[e.pk][1]))
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
    return scoring.score_totals(_totals([enterprise.pk], days, None)[enterprise.pk][0])


def grade_panel(user) -> dict | None:
    """The home panel of an enterprise's own grade and advice (the authority's view of it),
    for those who oversee the loop; one query."""
    if not (can(user, permission("hazards.view_all")) or can(user, permission("risks.manage"))):
        return None
    return {"score": own_score(connection.tenant), "days": 90}
