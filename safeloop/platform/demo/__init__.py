"""The demo enterprise seeded by `safeloop run` / `safeloop demo`: the product's
shop window, so every feature shows data on the first login.

Everything is made through the services a user's clicks call (permission
checks, audit trail, notices), as the people of the demo would have done it:
people and their risk ownership (``people``), the site plan and its zones
(``sitemap``), shift plans with a week of rounds (``rounds``), hazards in
every state of the loop (``hazards``) and training: a welder and a forklift
driver with their course packs, a finished course, an overdue one (``learning``);
a contractor crew with a welder whose certificate expires next week, gate events,
and a supplier's returned report (``contractors``).
Seeding happens once, in one transaction; every later start only lets beat's
inspection tick catch up, so today's tasks exist even when beat was not running.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.platform.demo.people import DEMO_PEOPLE
from safeloop.platform.models import Enterprise
from safeloop.platform.services import SignupData, provision_enterprise

__all__ = ["DEMO_PASSWORD", "DEMO_PEOPLE", "DEMO_PIN", "demo_banner", "ensure_demo"]

log = logging.getLogger(__name__)

DEMO_SLUG = "demo"
DEMO_PASSWORD = "SafeLoop-demo-2026"
DEMO_PIN = "1234"
# One of the seeded people: the seed is one transaction, so they exist only if it finished.
SEEDED_MARK = "D2001"

DEMO_EQUIPMENT = [
    ("PR-001", "250吨冲压机 250t punch press", "PRESS", "W1-A1"),
    ("PR-002", "160吨冲压机 160t punch press", "PRESS", "W1-A1"),
    ("CR-001", "10吨桥式起重机 10t overhead crane", "CRANE", "W1-A2"),
    ("FL-003", "3吨叉车 3t forklift", "FORKLIFT", "W4-A3"),
    ("WD-012", "二氧化碳保护焊机 CO2 welder", "WELDER", "W3-A1"),
]


@dataclass(frozen=True)
class DemoLogin:
    name: str
    role: str
    email: str
    employee_no: str


def ensure_demo() -> tuple[Enterprise, list[DemoLogin]]:
    """Provision and seed the demo once; on later calls only catch today's tasks up."""
    enterprise = Enterprise.objects.filter(slug=DEMO_SLUG).first()
    if enterprise is None:
        name, email, employee_no, *_rest = DEMO_PEOPLE[0]
        enterprise = provision_enterprise(
            SignupData(
                company_name="示范金属制品有限公司 Demo Metal Works",
                slug=DEMO_SLUG,
                industry="metal",
                admin_name=name,
                admin_email=email,
                admin_password=DEMO_PASSWORD,
            )
        )
    with tenant_context(enterprise):
        from safeloop.tenants.facilities.models import Person
        from safeloop.tenants.inspections import scheduling

        if not Person.objects.filter(employee_no=SEEDED_MARK).exists():
            started = time.monotonic()
            with transaction.atomic():
                _seed(timezone.now())
            log.info("seeded the demo enterprise in %.1fs", time.monotonic() - started)
        else:
            scheduling.tick()  # what beat does every 15 minutes: today's windows
            _catch_up_contractors()
            _snapshot_kpis(timezone.now())  # nightly beat's job, in case it did not run
        _seed_iot(timezone.now())  # a demo seeded before the detectors came gets them too
    from safeloop.platform.demo.group import ensure_demo_group

    ensure_demo_group(enterprise, DEMO_PASSWORD)
    logins = [DemoLogin(p[0], ", ".join(p[3]), p[1], p[2]) for p in DEMO_PEOPLE]
    return enterprise, logins


def _seed_iot(now) -> None:
    from safeloop.platform.demo.iot import seed_iot
    from safeloop.tenants.facilities.models import Person

    people = Person.objects.select_related("user")
    with transaction.atomic():
        seed_iot(
            people.get(employee_no=DEMO_PEOPLE[0][2]).user,
            people.get(employee_no="S4001").user,
            now,
        )


def _seed(now) -> None:
    from safeloop.platform.demo.contractors import seed_contractors
    from safeloop.platform.demo.hazards import seed_hazards
    from safeloop.platform.demo.learning import seed_learning
    from safeloop.platform.demo.people import (
        reassess_with_a_control_down,
        seed_people,
        set_risk_owners,
    )
    from safeloop.platform.demo.rounds import seed_plans, seed_rounds
    from safeloop.platform.demo.sitemap import seed_map
    from safeloop.tenants.facilities.models import Area, EquipmentType, Person
    from safeloop.tenants.facilities.services import create_equipment

    admin = Person.objects.select_related("user").get(employee_no=DEMO_PEOPLE[0][2])
    people = seed_people(admin, DEMO_PIN)
    areas = {a.code: a for a in Area.objects.all()}
    types = {t.code: t for t in EquipmentType.objects.all()}
    for code, name, type_code, area in DEMO_EQUIPMENT:
        create_equipment(
            by=admin.user, code=code, name=name, equipment_type=types[type_code], area=areas[area]
        )
    reassess_with_a_control_down(admin)  # before the owners: red is the company's
    set_risk_owners(admin, people)
    seed_map(admin)
    plans = seed_plans(admin, people, timezone.localdate(now))
    findings = seed_rounds(plans, now)
    seed_hazards(people, findings, now)
    _read_past_task_notices(now)
    seed_learning(people, now)
    seed_contractors(admin, now)
    _snapshot_kpis(now)


# The daily safety-health table shows a fortnight, so its trend arrows mean something.
KPI_DAYS = 14


def _snapshot_kpis(now) -> None:
    """The nightly KPI snapshots of the last fortnight, as beat would have taken them
    (from the same data: every KPI reads timestamps, so a past day computes the same)."""
    from safeloop.tenants.reports.services import take_snapshot

    today = timezone.localdate(now)
    for days_ago in range(KPI_DAYS, 0, -1):
        take_snapshot(today - timedelta(days=days_ago))


def _catch_up_contractors() -> None:
    """A demo seeded before contractors existed gets them on its next start (once)."""
    from safeloop.platform.demo.contractors import seed_contractors
    from safeloop.tenants.facilities.models import Person

    admin = Person.objects.select_related("user").get(employee_no=DEMO_PEOPLE[0][2])
    with transaction.atomic():
        seed_contractors(admin, timezone.now())


def _read_past_task_notices(now) -> None:
    """The week of rounds lies in the past: its task notices were read back then.

    Without this the operator's first look at the inbox is 25 unread "inspection to
    do" notices for shifts long over; today's tasks and every hazard notice stay unread.
    """
    from safeloop.tenants.alerts.models import Notification
    from safeloop.tenants.alerts.services import forget_unread
    from safeloop.tenants.inspections.models import InspectionTask

    past = InspectionTask.objects.filter(window_end__lt=now).values_list("pk", flat=True)
    keys = [f"inspection-task:{pk}:{what}" for pk in past for what in ("created", "missed")]
    notices = Notification.objects.filter(dedupe_key__in=keys, read_at__isnull=True)
    readers = set(notices.values_list("recipient_id", flat=True))
    notices.update(read_at=now)
    forget_unread(readers)


def demo_banner(enterprise: Enterprise, logins: list[DemoLogin], port: int) -> str:
    from safeloop.platform.urls_util import origin

    site, workspace = (
        origin(settings.SAFELOOP_BASE_DOMAIN, port=port),
        origin(enterprise.host, port=port),
    )
    lines = [
        "",
        "SafeLoop is running.",
        f"  Public site / free-trial signup: {site}/",
        f"  Demo enterprise ({enterprise.name}): {workspace}/",
        f"  GraphQL: {workspace}/graphql/",
        f"  Health: {site}/healthz",
        "",
        f"  Logins (password {DEMO_PASSWORD}; quick phone login: employee no. + PIN {DEMO_PIN}):",
    ]
    lines += [
        f"    {login.email:<18} {login.employee_no:<6} {login.role:<28} {login.name}"
        for login in logins
    ]
    from safeloop.platform.demo.contractors import CREW_LEAD_PHONE
    from safeloop.platform.demo.group import AUTHORITY_EMAIL, HQ_EMAIL

    lines += [
        f"  Group HQ (three sites ranked): {site}/hq/ {HQ_EMAIL}, password {DEMO_PASSWORD}",
        f"  District authority (grades): {site}/hq/ {AUTHORITY_EMAIL}, password {DEMO_PASSWORD}",
    ]

    lines += [
        f"  Contractor crew lead 周志强: {workspace}/p/crew/login/?mode=password "
        f"phone {CREW_LEAD_PHONE}, password {DEMO_PASSWORD}",
    ]
    return "\n".join(lines) + "\n"
