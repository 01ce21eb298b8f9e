"""The demo enterprise `./dev start` seeds is the product's shop window: whoever
logs in first sees every feature with data in it.

Zhang San (operator) and Li Na (team leader of the stamping workshop) have an
inspection due whenever they log in; Wang Wei (admin) sees a site plan in four
colours, a week of completion rates and hazards in every state of the loop.

The demo is seeded once for this module (it takes seconds) and committed; each
test runs in a transaction rolled back after it, so time travel and page
visits leave it as seeded.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from datetime import time as clock

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.platform.demo import (
    DEMO_PASSWORD,
    DEMO_PEOPLE,
    DEMO_PIN,
    demo_banner,
    ensure_demo,
)

pytestmark = pytest.mark.django_db

ZHANG, LI_NA, WANG = "zhang@demo.test", "li@demo.test", "admin@demo.test"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from safeloop.platform.celery import app

    # Notices are delivered in-process, not queued on the shared broker.
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    with django_db_blocker.unblock():
        started = time.monotonic()
        enterprise, logins = ensure_demo()
        seeded_at = timezone.now()
        print(f"demo seeded in {time.monotonic() - started:.1f}s")
        app.conf.task_always_eager = eager
        yield enterprise, logins, seeded_at
        connection.set_schema_to_public()
        enterprise.delete()  # its schema is dropped with it
        _remove_demo_group()


def _remove_demo_group() -> None:
    from django.contrib.auth import get_user_model

    from safeloop.platform.demo.group import SISTERS
    from safeloop.platform.models import Enterprise, Oversight

    for sister in Enterprise.objects.filter(slug__in=[s.slug for s in SISTERS]):
        sister.delete()
    from allauth.account.models import EmailAddress

    Oversight.objects.filter(accounts__user__email__endswith="@demo.test").distinct().delete()
    EmailAddress.objects.filter(email__endswith="@demo.test").delete()
    # Not .delete(): its cascade would look for Wagtail's profiles, a tenant-only table.
    users = get_user_model().objects.filter(email__endswith="@demo.test")
    users._raw_delete(users.db)


@pytest.fixture
def in_demo(demo):
    with tenant_context(demo[0]):
        yield demo[0]


def user(email):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(email=email)


def client_of(email) -> Client:
    client = Client(HTTP_HOST=f"demo.{settings.SAFELOOP_BASE_DOMAIN}")
    client.force_login(user(email))
    return client


def due_now(email):
    from safeloop.tenants.inspections.models import TaskState
    from safeloop.tenants.inspections.selectors import tasks_for_day

    now = timezone.now()
    return [
        task
        for task in tasks_for_day(user(email))
        if task.state == TaskState.OPEN and task.window_start <= now < task.window_end
    ]


def counts() -> dict:
    from safeloop.contractors.models import (
        ContractorCompany,
        ContractorWorker,
        GateEvent,
        SitePass,
        Supplier,
    )
    from safeloop.tenants.audit.models import AuditEvent
    from safeloop.tenants.hazards.models import Hazard, HazardPhoto
    from safeloop.tenants.inspections.models import Inspection, InspectionTask
    from safeloop.tenants.risks.models import SitePlan, Zone

    models = (AuditEvent, Hazard, HazardPhoto, Inspection, InspectionTask, SitePlan, Zone)
    models += (ContractorCompany, ContractorWorker, SitePass, GateEvent, Supplier)
    return {m.__name__: m.objects.count() for m in models}


def test_demo_prints_its_logins_and_every_person_can_sign_in(demo, in_demo):
    enterprise, logins, _ = demo

    banner = demo_banner(enterprise, logins, 8000)

    assert "http://demo.localhost:8000/" in banner and DEMO_PASSWORD in banner
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(email__in=[p[1] for p in DEMO_PEOPLE])
    assert users.count() == len(DEMO_PEOPLE)
    # Each distinct hash once: the demo's people share theirs (PBKDF2 is slow on purpose).
    assert all(check_password(DEMO_PASSWORD, h) for h in {u.password for u in users})
    assert all(check_password(DEMO_PIN, h) for h in {u.person.pin_hash for u in users})


def test_seeding_twice_adds_nothing(demo, in_demo):
    before = counts()

    with time_machine.travel(demo[2], tick=False):
        again, _ = ensure_demo()  # `safeloop run` started a second time

    assert again.pk == demo[0].pk
    with tenant_context(again):
        assert counts() == before


def test_operator_and_team_leader_have_a_task_due_right_after_seeding(in_demo):
    for email in (ZHANG, LI_NA):
        tasks = due_now(email)
        assert tasks, f"{email} has nothing to inspect now"
        assert all(task.points.exists() for task in tasks)


@pytest.mark.parametrize(
    "hour", [clock(2, 30), clock(7, 40), clock(11), clock(16, 5), clock(23, 50)]
)
def test_a_task_is_due_at_any_hour_of_later_days_once_beat_ticks(in_demo, hour):
    from safeloop.tenants.inspections import scheduling

    tomorrow = timezone.localdate() + timedelta(days=1)
    moment = timezone.make_aware(datetime.combine(tomorrow, hour))

    with time_machine.travel(moment, tick=False):
        scheduling.tick()  # what beat runs every 15 minutes in `safeloop run`

        for email in (ZHANG, LI_NA):
            assert due_now(email), f"{email} has nothing to inspect at {hour}"


def test_todays_page_lists_the_task_due_now(in_demo):
    task = due_now(ZHANG)[0]

    page = client_of(ZHANG).get("/i/")

    assert page.status_code == 200
    assert task.plan.name in page.content.decode()


def test_operator_inbox_holds_todays_work_not_a_week_of_old_task_notices(in_demo):
    from safeloop.tenants.alerts.models import Notification

    unread = Notification.objects.filter(
        recipient=user(ZHANG), channel="inbox", read_at__isnull=True
    )
    task_notices = unread.filter(event="inspection.task_created")

    assert task_notices.exists()  # today's task is news
    assert task_notices.count() <= 3  # one per shift of today at most, not the week's 25
    assert unread.count() < 15


def test_map_has_a_site_plan_with_zones_in_all_four_colours(in_demo):
    from safeloop.tenants.facilities.models import Area, AreaKind
    from safeloop.tenants.risks.selectors import current_site_plan, map_zones

    plan = current_site_plan()

    assert plan is not None and plan.image.size > 10_000
    zones = map_zones(plan)
    assert {z.area.code for z in zones} == set(
        Area.objects.filter(kind=AreaKind.AREA).values_list("code", flat=True)
    )
    assert {z.risk.band for z in zones} == {"red", "orange", "yellow", "blue"}
    assert any(z.risk.open_hazards for z in zones)
    assert any(z.risk.overdue_hazards for z in zones)
    page = client_of(WANG).get("/r/map/")
    assert page.status_code == 200
    assert f"/r/map/plans/{plan.pk}/image/" in page.content.decode()


def test_the_demos_inspections_hold_not_applicable_answers_left_out_of_the_pass_rate(in_demo):
    from safeloop.tenants.inspections.models import Answer, Inspection
    from safeloop.tenants.inspections.services.stats import answer_tally

    now = timezone.now()
    tally = answer_tally(by=user(WANG), start=now - timedelta(days=8), end=now + timedelta(hours=1))

    assert tally.not_applicable > 0 and tally.failed > 0
    assert tally.pass_rate == round(tally.passed / (tally.passed + tally.failed), 4)
    latest = Inspection.objects.filter(answers__not_applicable=True).latest("submitted_at")
    page = client_of(WANG).get(f"/i/done/{latest.pk}/").content.decode()
    na = Answer.objects.filter(inspection=latest, not_applicable=True).count()
    assert f'data-not-applicable="{na}"' in page


def test_completion_has_a_week_of_rates_with_some_tasks_missed(in_demo):
    from safeloop.tenants.inspections.services import completion_stats

    now = timezone.now()
    rows = completion_stats(
        by=user(WANG), start=now - timedelta(days=7), end=now, group_by="person"
    )

    people = {row.label: row for row in rows}
    for name in ("Zhang San 张三", "Li Na 李娜"):
        assert people[name].due >= 14
        assert 0.6 <= people[name].rate < 1
    days = completion_stats(by=user(WANG), start=now - timedelta(days=7), end=now, group_by="day")
    assert len([d for d in days if d.due]) >= 7  # a trend, day by day
    page = client_of(WANG).get("/i/completion/")
    assert page.status_code == 200
    assert "Li Na" in page.content.decode()


def test_board_has_hazards_in_every_state_with_evidence(in_demo):
    from safeloop.tenants.hazards.models import (
        Decision,
        ExtensionState,
        Hazard,
        PhotoStage,
        State,
    )

    hazards = list(Hazard.objects.all())

    states = {h.state for h in hazards}
    assert {
        State.ASSIGNED,
        State.RECTIFYING,
        State.AWAITING_ACCEPTANCE,
        State.CLOSED,
        State.DISMISSED,
    } <= states
    levels = {h.next_acceptance_level for h in hazards if h.state == State.AWAITING_ACCEPTANCE}
    assert levels == {"team_leader", "safety_officer", "leader_in_charge"}
    assert any(h.is_overdue for h in hazards)
    assert any(not h.is_overdue and h.is_open for h in hazards)
    assert Hazard.objects.filter(extensions__state=ExtensionState.PENDING).exists()
    assert Hazard.objects.filter(extensions__state=ExtensionState.APPROVED).exists()
    reopened = Hazard.objects.filter(acceptances__decision=Decision.REJECT).distinct()
    assert [h.state for h in reopened] == [State.CLOSED]
    assert Hazard.objects.filter(inspection_answers__isnull=False).count() >= 3  # from failed items
    closed = Hazard.objects.filter(state=State.CLOSED)
    assert all(h.photos.filter(stage=PhotoStage.RECTIFICATION).exists() for h in closed)
    assert all(r.signature for h in closed for r in h.rectifications.all())
    accepted = [a for h in hazards for a in h.acceptances.all() if a.decision == Decision.ACCEPT]
    assert accepted and all(a.signature for a in accepted)  # every level signs by hand
    assert all(h.photos.exists() for h in hazards)
    oldest = min(h.reported_at for h in hazards)
    assert timezone.now() - oldest > timedelta(days=5)  # a week's history, not all today
    page = client_of(WANG).get("/h/")
    assert page.status_code == 200


def test_every_risk_point_and_control_measure_has_an_owner(in_demo):
    from safeloop.tenants.risks.models import ControlMeasure, RiskPoint

    assert RiskPoint.objects.count() > 10
    assert not RiskPoint.objects.filter(responsible__isnull=True).exists()
    assert not ControlMeasure.objects.filter(owner__isnull=True).exists()
    red = RiskPoint.objects.filter(band="red").select_related("responsible__user").first()
    assert red.responsible.user.email == "zheng@demo.test"  # red risks: company level


def test_the_daily_safety_health_table_has_a_fortnight_of_snapshots(in_demo):
    from safeloop.tenants.reports.models import KpiSnapshot

    days = list(KpiSnapshot.objects.order_by("day").values_list("day", flat=True))
    assert len(days) == 14 and days[-1] == timezone.localdate() - timedelta(days=1)
    measured = [s.values["closure_24h"]["denominator"] for s in KpiSnapshot.objects.all()]
    assert any(measured)  # hazards were reported on some of those days


def test_the_confined_space_and_dust_inventories_have_owners_and_one_missing_sign(in_demo):
    from safeloop.tenants.risks.models import ConfinedSpace, DustSite

    assert ConfinedSpace.objects.count() >= 5 and DustSite.objects.filter(explosive=True).exists()
    assert not ConfinedSpace.objects.filter(responsible__isnull=True).exists()
    assert not DustSite.objects.filter(responsible__isnull=True).exists()
    assert list(ConfinedSpace.objects.filter(sign_posted=False).values_list("code", flat=True)) == [
        "CS-M05"
    ]


def test_welder_and_forklift_driver_have_their_job_packs_one_course_done_one_overdue(in_demo):
    """Gao Feng, the welder, failed the welding course's final quiz once, passed it the
    second time and holds its certificate; Chen Gang, the forklift driver, is past due
    on his first required course, and he and his team leader Li Na were told."""
    from safeloop.learning.assignment_services import my_courses
    from safeloop.learning.certificate_services import Validity, status_of
    from safeloop.learning.models import (
        Attempt,
        Certificate,
        CoursePack,
        CoursePage,
        LessonPage,
        LessonProgress,
    )
    from safeloop.platform.demo.learning import pack_of
    from safeloop.tenants.alerts.models import Notification

    welder, driver = user("gao@demo.test").person, user("chen@demo.test").person
    welder_pack, driver_pack = pack_of("welder"), pack_of("forklift_driver")
    gao, chen = my_courses(welder), my_courses(driver)
    [certificate] = Certificate.objects.filter(person=welder)
    attempts = Attempt.objects.filter(person=welder, quiz__course=certificate.course)
    overdue_notices = Notification.objects.filter(dedupe_key__endswith=":overdue")

    assert CoursePage.objects.count() >= 2
    assert (welder.job_role.code, driver.job_role.code) == ("welder", "forklift_driver")
    # The welder's own pack plus every pack naming all jobs (全员), nothing else.
    packs_of = CoursePack.objects.filter(job_roles=welder.job_role)
    assert welder_pack in packs_of
    assert {c.course.pk for c in gao.done + gao.required + gao.due_soon + gao.overdue} == set(
        packs_of.values_list("courses", flat=True)
    )
    assert [c.course.pk for c in gao.done] == [certificate.course_id]
    assert status_of(certificate) == Validity.VALID
    assert sorted(attempts.values_list("number", "passed")) == [(1, False), (2, True)]
    # He read every lesson of that course to its end before the exam.
    lessons = LessonPage.objects.child_of(certificate.course).live()
    assert lessons.count() >= 2
    assert (
        LessonProgress.objects.filter(
            person=welder, lesson__in=lessons, completed_at__isnull=False
        ).count()
        == lessons.count()
    )
    [late] = chen.overdue
    assert late.course.pk == driver_pack.items.order_by("order").first().course_id
    assert set(driver_pack.courses.values_list("pk", flat=True)) <= {
        c.course.pk for c in chen.overdue + chen.required + chen.due_soon
    }
    assert {c.course.pk for c in chen.overdue + chen.required + chen.due_soon} == set(
        CoursePack.objects.filter(job_roles=driver.job_role).values_list("courses", flat=True)
    )
    assert set(overdue_notices.values_list("recipient__email", flat=True)) == {"chen@demo.test"}
    assert Notification.objects.filter(
        recipient__email="li@demo.test", dedupe_key__endswith=":overdue:superior"
    ).exists()


def test_demo_banner_lists_the_welder_and_forklift_driver(demo):
    enterprise, logins, _ = demo

    banner = demo_banner(enterprise, logins, 8000)

    assert "gao@demo.test" in banner and "chen@demo.test" in banner


def test_a_contractor_crew_with_a_welder_whose_certificate_expires_next_week(demo, in_demo):
    """Hengtai Installation refits the welding shop with one crew: Zhou Zhiqiang leads
    it, Ma Jianguo the welder holds an active pass that ends with his welder's
    certificate next week; the gate let the crew in and refused Qian Xiaobing, whose
    pass Wang revoked and who is blacklisted. Wang sees it all on the contractor pages."""
    from safeloop.contractors.models import Crew, PassStatus, SitePass
    from safeloop.contractors.validators import clean_credit_code
    from safeloop.platform.demo.contractors import COMPANY_CODE, WELDER_NAME

    seeded_on = timezone.localdate(demo[2])
    (crew,) = Crew.objects.select_related("company", "lead", "project__responsible")
    assert clean_credit_code(crew.company.credit_code) == COMPANY_CODE
    assert crew.lead.name == "周志强" and crew.workers.count() == 4
    assert crew.project.responsible.user.email == WANG and crew.project.areas.exists()
    welder_pass = SitePass.objects.select_related("worker").get(worker__name=WELDER_NAME)
    [welding] = welder_pass.worker.certificates.filter(kind="welding")
    assert welding.valid_until == seeded_on + timedelta(days=7)
    assert welder_pass.status == PassStatus.ACTIVE
    assert welder_pass.valid_until == welding.valid_until

    wang = client_of(WANG)
    company_page = wang.get(f"/k/{crew.company_id}/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = company_page.content.decode()
    assert company_page.status_code == 200
    assert WELDER_NAME in html and 'data-status="expiring"' in html
    gates = wang.get("/k/gates/")
    assert 'data-site="S1"' in gates.content.decode() and gates.context["company_count"] == 1
    performance = wang.get("/k/performance/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    (row,) = performance.context["result"].companies
    # Qian's pass revoked, then Qian blacklisted: two violations, one refusal.
    assert (row.refusals, row.violations, row.workers) == (1, 2, 4)
    # The fire hazard reported in the welding shop's W3-A2, where the crew works, and
    # the missing extinguisher at its welding spot in W3-A1, routed to its lead.
    assert row.hazards == 2
    assert "高处作业未系安全带，经教育仍不改正" in performance.content.decode()
    # Zhou signs in to the crew leads' portal with the printed phone and password and
    # finds the welder's certificate running out and the hazard routed to him.
    from safeloop.platform.demo import DEMO_PASSWORD
    from safeloop.platform.demo.contractors import CREW_LEAD_PHONE

    lead = Client(HTTP_HOST=f"demo.{settings.SAFELOOP_BASE_DOMAIN}")
    signed_in = lead.post(
        "/p/crew/login/?mode=password",
        {"phone": CREW_LEAD_PHONE, "password": DEMO_PASSWORD, "action": "password"},
    )
    assert signed_in.status_code == 302, signed_in.content.decode()[:2000]
    portal = lead.get("/p/crew/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert WELDER_NAME in portal and "焊接作业点未配置灭火器" in portal
    # The welder's pass is green on the pass page today.
    pass_page = Client(HTTP_HOST=f"demo.{settings.SAFELOOP_BASE_DOMAIN}").get(
        f"/p/pass/{welder_pass.token}/"
    )
    assert pass_page.status_code == 200 and WELDER_NAME in pass_page.content.decode()


def test_a_supplier_whose_report_was_returned_for_one_item(in_demo):
    from safeloop.contractors.models import ReportStatus, SelfInspectionReport

    (report,) = SelfInspectionReport.objects.select_related("supplier")
    commented = [a for a in report.answers.all() if a.reviewer_comment]

    assert report.status == ReportStatus.RETURNED
    assert len(commented) == 1 and "危化品仓库照片" in commented[0].reviewer_comment
    page = client_of(WANG).get("/k/suppliers/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'data-status="returned"' in page.content.decode()


def test_the_demo_group_ranks_three_different_sites_and_the_authority_grades_them(demo):
    """The group HQ signs in on the public host and finds three sites with different
    scores; the district authority sees the same three with their grades."""
    from django.test import Client

    from safeloop.platform import oversight
    from safeloop.platform.demo import DEMO_PASSWORD
    from safeloop.platform.demo.group import AUTHORITY_EMAIL, DISTRICT_NAME, GROUP_NAME, HQ_EMAIL
    from safeloop.platform.models import Oversight

    connection.set_schema_to_public()
    ranks = oversight.ranking(Oversight.objects.get(name=GROUP_NAME), 90)
    assert len(ranks) == 3
    assert len({r.score.points for r in ranks}) == 3 and all(r.score.grade for r in ranks)
    assert [r.score.points for r in ranks] == sorted((r.score.points for r in ranks), reverse=True)
    graded = oversight.ranking(Oversight.objects.get(name=DISTRICT_NAME), 90)
    assert {r.name for r in graded} == {r.name for r in ranks}
    assert any(r.score.low for r in graded)  # the slow quarry is on the inspection list

    for email in (HQ_EMAIL, AUTHORITY_EMAIL):
        client = Client(HTTP_HOST="localhost")
        client.post("/hq/login/", {"login": email, "password": DEMO_PASSWORD})
        assert client.get("/hq/").content.decode().count('data-testid="site-link"') == 3
    banner = demo_banner(demo[0], demo[1], 8000)
    assert f"http://localhost:8000/hq/ {HQ_EMAIL}" in banner


def test_three_gas_detectors_with_a_day_of_readings_and_yesterdays_episode(demo, in_demo):
    from safeloop.iot_bridge.models import Alarm, Device, Reading

    devices = list(Device.objects.order_by("code"))
    assert [d.code for d in devices] == ["co-w3a1-01", "gd-w3a2-01", "gd-w4a2-01"]
    for device in devices:
        readings = Reading.objects.filter(sensor__device=device)
        assert readings.count() >= 700  # every two minutes for a day
        assert device.last_seen_at is not None
    # Yesterday's solvent vapour in the spray booth: up to level 2, acknowledged by
    # the safety officer, cleared; the hazard it opened is still being worked on.
    episode = Alarm.objects.select_related("hazard", "acknowledged_by").get()
    assert episode.device.code == "gd-w4a2-01"
    assert episode.peak_level == 2 and not episode.is_open
    assert episode.acknowledged_by.email == "sun@demo.test"
    assert episode.hazard is not None and episode.hazard.state != "closed"
    assert episode.hazard.reported_at < timezone.now() - timedelta(hours=19)
