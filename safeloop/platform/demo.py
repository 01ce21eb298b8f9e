"""The demo enterprise seeded by `safeloop run` / `safeloop demo`."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django_tenants.utils import tenant_context

from safeloop.platform.models import Enterprise
from safeloop.platform.services import SignupData, provision_enterprise

DEMO_SLUG = "demo"
DEMO_PASSWORD = "SafeLoop-demo-2026"
DEMO_PIN = "1234"


@dataclass(frozen=True)
class DemoLogin:
    name: str
    role: str
    email: str
    employee_no: str


DEMO_PEOPLE = [
    # (name, email, employee no, roles, job role)
    ("Wang Wei 王伟", "admin@demo.test", "A0001", ["admin", "safety_manager"], "safety_manager"),
    ("Liu Qiang 刘强", "liu@demo.test", "D2001", ["workshop_director"], "workshop_director"),
    ("Li Na 李娜", "li@demo.test", "T3001", ["team_leader"], "team_leader"),
    ("Sun Hao 孙浩", "sun@demo.test", "S4001", ["safety_officer"], "safety_officer"),
    ("Zhang San 张三", "zhang@demo.test", "E5001", ["operator"], "welder"),
    ("Zhou Lei 周磊", "zhou@demo.test", "M6001", ["maintenance"], "maintenance_fitter"),
    ("Qian Li 钱力", "qian@demo.test", "E5002", ["maintenance"], "electrician"),
    ("Zheng Hua 郑华", "zheng@demo.test", "L7001", ["leader_in_charge"], "safety_manager"),
    ("Zhao Min 赵敏", "zhao@demo.test", "V8001", ["verifier"], "safety_officer"),
]
# A few hazards so the board is not empty: (library code, reporter's employee no.).
DEMO_HAZARDS = [("MECH-001", "E5001"), ("ELEC-001", "E5001"), ("LIFT-002", "T3001")]

DEMO_EQUIPMENT = [
    ("PR-001", "250吨冲压机 250t punch press", "PRESS"),
    ("CR-001", "10吨桥式起重机 10t overhead crane", "CRANE"),
    ("FL-003", "3吨叉车 3t forklift", "FORKLIFT"),
    ("WD-012", "二氧化碳保护焊机 CO2 welder", "WELDER"),
]


def ensure_demo() -> tuple[Enterprise, list[DemoLogin]]:
    enterprise = Enterprise.objects.filter(slug=DEMO_SLUG).first()
    if enterprise is None:
        name, email, employee_no, _roles, _job = DEMO_PEOPLE[0]
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
            _seed(employee_no)
    logins = [
        DemoLogin(name, ", ".join(roles), email, no) for name, email, no, roles, _job in DEMO_PEOPLE
    ]
    return enterprise, logins


def _seed(admin_employee_no: str) -> None:
    from safeloop.tenants.facilities.models import Area, EquipmentType, JobRole, Person
    from safeloop.tenants.facilities.services import create_equipment, create_person

    admin = Person.objects.get(employee_no=admin_employee_no)
    Person.objects.filter(pk=admin.pk).update(pin_hash=make_password(DEMO_PIN))
    workshop = Area.objects.filter(kind="workshop").order_by("code").first()
    first_area = Area.objects.filter(parent=workshop).order_by("code").first()
    people = {}
    for name, email, no, roles, job in DEMO_PEOPLE[1:]:
        people[no] = create_person(
            by=admin.user,
            email=email,
            full_name=name,
            employee_no=no,
            password=DEMO_PASSWORD,
            pin=DEMO_PIN,
            roles=roles,
            area=workshop,
            job_role=JobRole.objects.filter(code=job).first(),
            superior=people.get("D2001") if no != "D2001" else None,
        )
    _seed_hazards(first_area or workshop)
    types = {t.code: t for t in EquipmentType.objects.all()}
    for code, name, type_code in DEMO_EQUIPMENT:
        equipment_type = types.get(type_code) or next(iter(types.values()))
        create_equipment(
            by=admin.user,
            code=code,
            name=name,
            equipment_type=equipment_type,
            area=first_area or workshop,
        )


def _seed_hazards(area) -> None:
    from safeloop.tenants.facilities.models import Person
    from safeloop.tenants.hazards.models import LibraryEntry
    from safeloop.tenants.hazards.services import report_hazard

    for code, reporter in DEMO_HAZARDS:
        entry = LibraryEntry.objects.filter(code=code).first()
        if entry is not None:
            report_hazard(
                by=Person.objects.get(employee_no=reporter).user, area=area, library_entry=entry
            )


def demo_banner(enterprise: Enterprise, logins: list[DemoLogin], port: int) -> str:
    base = settings.SAFELOOP_BASE_DOMAIN
    suffix = "" if port in (80, 443) else f":{port}"
    scheme = settings.SAFELOOP_SCHEME
    lines = [
        "",
        "SafeLoop is running.",
        f"  Public site / free-trial signup: {scheme}://{base}{suffix}/",
        f"  Demo enterprise ({enterprise.name}): {scheme}://{enterprise.host}{suffix}/",
        f"  GraphQL: {scheme}://{enterprise.host}{suffix}/graphql/",
        f"  Health: {scheme}://{base}{suffix}/healthz",
        "",
        f"  Logins (password {DEMO_PASSWORD}; quick phone login: employee no. + PIN {DEMO_PIN}):",
    ]
    lines += [
        f"    {login.email:<18} {login.employee_no:<6} {login.role:<28} {login.name}"
        for login in logins
    ]
    return "\n".join(lines) + "\n"
