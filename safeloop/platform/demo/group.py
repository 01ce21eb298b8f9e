"""The demo group: the demo enterprise and two sister sites under one group HQ, so the
HQ's ranking means something on first sign-in (issue 16, item 7); the same three are
registered with a demo district authority, which grades them.

The sister sites join the way any site does: the HQ issues an invitation code and
the site's admin accepts it (``platform.oversight``). They have no people to sign
in; their figures come from three months of hazards written straight into their
schema — a food plant that closes most hazards within a day and reports near
misses, a quarry that is slow and reports few — then the nightly snapshots and
last month's report, taken by the same services beat runs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.platform import oversight
from safeloop.platform.models import Enterprise, Oversight, OversightKind
from safeloop.platform.services import SignupData, provision_enterprise

GROUP_NAME = "示范集团 Demo Group"
HQ_EMAIL = "hq@demo.test"
DISTRICT_NAME = "示范区应急管理局 Demo District Authority"
AUTHORITY_EMAIL = "authority@demo.test"
HISTORY_DAYS = 90


@dataclass(frozen=True)
class Sister:
    slug: str
    name: str
    industry: str
    reports_per_day: float
    closed_within_day: float  # the share of hazards closed within 24 h
    near_misses: float  # the share of reports that are near misses
    seed: int


SISTERS = (
    Sister("demo-food", "示范食品有限公司 Demo Foods", "food", 2.0, 0.9, 0.34, 7),
    Sister("demo-quarry", "示范石料矿 Demo Quarry", "mining", 1.5, 0.72, 0.2, 11),
)


def ensure_demo_group(demo: Enterprise, password: str) -> Oversight:
    """The group, its HQ account and sites, once; later starts only catch the sister
    sites' nightly snapshots up (the demo's own are taken by its catch-up)."""
    group = Oversight.objects.filter(name=GROUP_NAME).first()
    if group is None:
        with transaction.atomic():
            group = oversight.create_oversight(GROUP_NAME, OversightKind.GROUP)
            oversight.create_account(group, HQ_EMAIL, password)
            district = oversight.create_oversight(DISTRICT_NAME, OversightKind.DISTRICT)
            oversight.create_account(district, AUTHORITY_EMAIL, password)
        _join(group, demo)
        _join(district, demo)
        with tenant_context(demo):
            _last_month_report()
    district = Oversight.objects.get(name=DISTRICT_NAME)
    for sister in SISTERS:
        enterprise = Enterprise.objects.filter(slug=sister.slug).first()
        if enterprise is None:
            enterprise = provision_enterprise(
                SignupData(
                    company_name=sister.name,
                    slug=sister.slug,
                    industry=sister.industry,
                    admin_name="Admin 管理员",
                    admin_email=f"admin@{sister.slug}.test",
                    admin_password=password,
                )
            )
            with tenant_context(enterprise), transaction.atomic():
                _history(sister, timezone.now())
                _last_month_report()
            _join(group, enterprise)
            _join(district, enterprise)
        with tenant_context(enterprise):
            _snapshots(HISTORY_DAYS)
    return group


def _join(group: Oversight, enterprise: Enterprise) -> None:
    invitation = oversight.issue_invitation(group)
    with tenant_context(enterprise):
        from safeloop.tenants.facilities.models import Person

        admin = Person.objects.filter(roles__contains=["admin"]).order_by("pk").first()
        oversight.accept_invitation(invitation.code, by=admin.user)


def _history(sister: Sister, now: datetime) -> None:
    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.hazards.models import Grade, Hazard, State

    rng = random.Random(sister.seed)
    areas = list(Area.objects.order_by("code"))
    today = timezone.localdate(now)
    number = 0
    for days_ago in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=days_ago)
        count = int(sister.reports_per_day) + (rng.random() < sister.reports_per_day % 1)
        for _ in range(count):
            number += 1
            reported = timezone.make_aware(
                datetime.combine(day, time(7)) + timedelta(minutes=rng.randrange(0, 11 * 60))
            )
            near_miss = rng.random() < sister.near_misses
            fast = rng.random() < sister.closed_within_day
            hours = rng.uniform(2, 20) if fast else rng.uniform(30, 200)
            closed = reported + timedelta(hours=hours)
            Hazard.objects.create(
                number=f"YH-{day:%Y%m%d}-{number:04d}",
                title="未遂事件 Near miss" if near_miss else "现场隐患 Hazard found on site",
                grade=Grade.GENERAL,
                state=State.CLOSED if closed < now else State.ASSIGNED,
                is_near_miss=near_miss,
                area=rng.choice(areas),
                is_anonymous=True,
                reported_at=reported,
                deadline=reported + timedelta(hours=72),
                closed_at=closed if closed < now else None,
            )


def _snapshots(days: int) -> None:
    from safeloop.tenants.reports.models import KpiSnapshot
    from safeloop.tenants.reports.services import take_snapshot

    today = timezone.localdate()
    have = set(KpiSnapshot.objects.values_list("day", flat=True))
    for days_ago in range(days, 0, -1):
        day = today - timedelta(days=days_ago)
        if day not in have:
            take_snapshot(day)


def _last_month_report() -> None:
    from safeloop.tenants.reports.models import MonthlyReport
    from safeloop.tenants.reports.monthly import previous_month
    from safeloop.tenants.reports.services import generate_monthly_report

    if not MonthlyReport.objects.filter(month=previous_month()).exists():
        generate_monthly_report(previous_month(), send=False)
