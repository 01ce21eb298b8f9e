"""The demo's people, and the risk points and control measures they own."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

# (name, email, employee no., roles, job role, area code, superior's employee no.)
DEMO_PEOPLE = [
    ("Wang Wei 王伟", "admin@demo.test", "A0001", ["admin", "safety_manager"], "safety_manager",
     None, None),
    ("Huang Jian 黄建", "huang@demo.test", "P0001", ["principal"], None, None, None),
    ("Zheng Hua 郑华", "zheng@demo.test", "L7001", ["leader_in_charge"], "safety_manager",
     None, "P0001"),
    ("Liu Qiang 刘强", "liu@demo.test", "D2001", ["workshop_director"], "workshop_director",
     "W1", "L7001"),
    ("Li Na 李娜", "li@demo.test", "T3001", ["team_leader"], "team_leader", "W1", "D2001"),
    ("Sun Hao 孙浩", "sun@demo.test", "S4001", ["safety_officer"], "safety_officer", "W1",
     "D2001"),
    ("Zhang San 张三", "zhang@demo.test", "E5001", ["operator"], "operator", "W1-A1", "T3001"),
    ("Zhou Lei 周磊", "zhou@demo.test", "M6001", ["maintenance"], "maintenance_fitter", "W1",
     "T3001"),
    ("Qian Li 钱力", "qian@demo.test", "E5002", ["maintenance"], "electrician", "W1", "T3001"),
    ("Zhao Min 赵敏", "zhao@demo.test", "V8001", ["verifier"], None, None, None),
    ("Gao Feng 高峰", "gao@demo.test", "E5003", ["operator"], "welder", "W3-A1", "T3001"),
    ("Chen Gang 陈刚", "chen@demo.test", "E5004", ["operator"], "forklift_driver", "W1-A2",
     "T3001"),
]  # fmt: skip

# Who answers for a risk point, by its colour (四色分级管控): red at company
# level, orange the workshop, yellow the team, blue the post.
OWNER_BY_BAND = {"red": "L7001", "orange": "D2001", "yellow": "T3001", "blue": "E5001"}
# Who carries out a control measure, by the job role the template gives it.
OWNER_BY_JOB = {
    "safety_manager": "A0001",
    "workshop_director": "D2001",
    "team_leader": "T3001",
    "safety_officer": "S4001",
    "maintenance_fitter": "M6001",
    "electrician": "E5002",
}
POST_OWNER = "E5001"  # operators, drivers, welders: the demo's operator
OWNER_BY_LEVEL = {"company": "A0001", "workshop": "D2001", "team": "T3001", "post": "E5001"}


def seed_people(admin, pin: str) -> dict:
    """Everyone after the admin, through ``create_person``; returns employee no. → Person.

    Everyone shares the admin's password (provisioned with the published demo
    password: its hash is reused) and one hash of the PIN: hashing them per
    person (18 PBKDF2 runs) took 7.6 s of an 8 s seed.
    """
    from safeloop.tenants.facilities.models import Area, JobRole, Person
    from safeloop.tenants.facilities.services import create_person

    password_hash, pin_hash = admin.user.password, make_password(pin)
    areas = {a.code: a for a in Area.objects.all()}
    jobs = {j.code: j for j in JobRole.objects.all()}
    people = {admin.employee_no: admin}
    for name, email, number, roles, job, area, superior in DEMO_PEOPLE[1:]:
        people[number] = create_person(
            by=admin.user,
            email=email,
            full_name=name,
            employee_no=number,
            roles=roles,
            area=areas.get(area),
            job_role=jobs.get(job),
            superior=people.get(superior),
        )
    get_user_model().objects.filter(person__in=people.values()).update(password=password_hash)
    Person.objects.filter(pk__in=[p.pk for p in people.values()]).update(pin_hash=pin_hash)
    return people


def set_risk_owners(admin, people: dict) -> None:
    """Every risk point gets a responsible person and every measure an owner,
    through the register's services (audited as the admin's hand-over)."""
    from safeloop.tenants.risks.models import ControlMeasure, RiskPoint
    from safeloop.tenants.risks.services import update_control_measure, update_risk_point

    for point in RiskPoint.objects.filter(responsible__isnull=True):
        owner = people[OWNER_BY_BAND.get(point.band, "T3001")]
        update_risk_point(point, by=admin.user, responsible=owner)
    measures = ControlMeasure.objects.filter(owner__isnull=True).select_related("owner_role")
    for measure in measures:
        job = measure.owner_role.code if measure.owner_role else None
        number = OWNER_BY_JOB.get(job) or (
            POST_OWNER if job else OWNER_BY_LEVEL.get(measure.level, "T3001")
        )
        update_control_measure(measure, by=admin.user, owner=people[number])
    _set_inventory_owners(admin)


# The septic tank's sign was knocked down last week: the 台账 shows it missing.
SIGN_MISSING = "CS-M05"


def _set_inventory_owners(admin) -> None:
    """Each line of the 有限空间 and 粉尘 台账 is answered for by its risk point's owner."""
    from safeloop.tenants.risks import inventories

    for line in [*inventories.confined_spaces(), *inventories.dust_sites()]:
        if line.responsible_id is None and line.risk_point is not None:
            inventories.update_line(
                line,
                by=admin.user,
                responsible=line.risk_point.responsible,
                sign_posted=False if line.code == SIGN_MISSING else None,
            )


def reassess_with_a_control_down(admin) -> None:
    """The shop window shows a red point for a real reason: the grinding bay's wet
    dust collector is out of service, so the safety manager re-assesses the
    point with the likelihood it has until the collector runs again."""
    from safeloop.tenants.risks.models import RiskPoint
    from safeloop.tenants.risks.services import assess_risk

    point = RiskPoint.objects.filter(code="RP-M08").first()
    if point is None:
        return
    assess_risk(
        point,
        by=admin.user,
        inherent={"l": 3, "e": 6, "c": 40},
        residual={"l": 3, "e": 6, "c": 40},
        note="湿式除尘器故障停用，修复前按无除尘措施重新评价",
    )
