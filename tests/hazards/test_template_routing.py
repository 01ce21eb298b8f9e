"""Every industry template routes each library entry to the area's owner or its trade,
never to someone who signs the same hazard's acceptance nor to the violator it names.

For each template a fresh enterprise is provisioned and staffed in one workshop with
one person of every job the template knows (its access role where the job is one:
班组长, 安全员, 车间主任, 安全经理; the safety manager sits at company level, as in a
real plant) plus the leader in charge; then every library entry is reported there.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from safeloop.access import Role
from safeloop.platform.services import SignupData, provision_enterprise
from safeloop.tenants.facilities.models import Area, AreaKind, JobRole
from safeloop.tenants.facilities.services import create_person
from safeloop.tenants.hazards.acceptance import acceptor_user_ids
from safeloop.tenants.hazards.models import LibraryEntry
from safeloop.tenants.hazards.services import report_hazard

pytestmark = pytest.mark.django_db

INDUSTRIES = ["metal", "food", "chemical", "mining"]
ACCESS_ROLE_OF_JOB = {
    "team_leader": [Role.TEAM_LEADER],
    "safety_officer": [Role.SAFETY_OFFICER],
    "workshop_director": [Role.WORKSHOP_DIRECTOR],
    "safety_manager": [Role.SAFETY_MANAGER],
}


def _staff(admin, workshop: Area) -> dict[str, object]:
    """One person per job of the template in ``workshop``; returns job code → person."""
    people = {}
    for n, job in enumerate(JobRole.objects.order_by("code")):
        roles = ACCESS_ROLE_OF_JOB.get(job.code, [Role.OPERATOR])
        people[job.code] = create_person(
            by=admin,
            email=f"{job.code}@route.test",
            full_name=f"{job.name} {n}",
            employee_no=f"R{n:03d}",
            roles=[r.value for r in roles],
            job_role=job,
            area=None if job.code == "safety_manager" else workshop,
        )
    people["leader_in_charge"] = create_person(
        by=admin,
        email="lic@route.test",
        full_name="分管领导",
        employee_no="R900",
        roles=[Role.LEADER_IN_CHARGE.value],
    )
    return people


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_no_entry_routes_to_its_acceptor_or_to_the_violator_it_names(industry):
    enterprise = provision_enterprise(
        SignupData(
            company_name=f"Routing {industry}",
            slug=f"route-{industry}",
            industry=industry,
            admin_name="管理员",
            admin_email=f"admin@route-{industry}.test",
            admin_password="Route-Check-2026!",
            language="zh-hans",
        )
    )
    with tenant_context(enterprise):
        admin = get_user_model().objects.get(email=f"admin@route-{industry}.test")
        workshop = Area.objects.filter(kind=AreaKind.WORKSHOP).order_by("code").first()
        spot = Area.objects.filter(parent=workshop).order_by("code").first() or workshop
        people = _staff(admin, workshop)
        reporter = next(p for code, p in people.items() if code not in ACCESS_ROLE_OF_JOB)

        entries = list(LibraryEntry.objects.select_related("violator_job_role", "category"))
        assert len(entries) >= 20
        wrong = []
        for entry in entries:
            hazard = report_hazard(by=reporter.user, area=spot, library_entry=entry)
            assignee = hazard.assignee
            acceptors = acceptor_user_ids(hazard)
            if assignee is None:
                wrong.append(f"{entry.code} {entry.title}: nobody")
            elif assignee.user_id in acceptors:
                wrong.append(f"{entry.code} {entry.title}: its acceptor {assignee.job_role.code}")
            elif entry.violator_job_role_id and assignee.job_role_id == entry.violator_job_role_id:
                wrong.append(f"{entry.code} {entry.title}: the violator {assignee.job_role.code}")
        assert wrong == []

        # "叉车无证驾驶" names the forklift driver: the driver is there, and not given it.
        unlicensed = next((e for e in entries if e.title == "叉车无证驾驶"), None)
        if industry in ("metal", "food"):
            assert unlicensed is not None and "forklift_driver" in people
            assert unlicensed.violator_job_role.code == "forklift_driver"
            hazard = report_hazard(by=reporter.user, area=spot, library_entry=unlicensed)
            assert hazard.assignee.job_role.code != "forklift_driver"

        # Without a rule, a hazard is the workshop's (属地): its director has it.
        owner = people["workshop_director"]
        fire = [e for e in entries if e.category.code == "fire"]
        assert fire, "every template has fire entries"
        hazard = report_hazard(by=reporter.user, area=spot, library_entry=fire[0])
        assert hazard.assignee == owner
