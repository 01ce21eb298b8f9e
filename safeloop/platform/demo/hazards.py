"""Hazards in every state of the loop, each walked there through the hazard
services by the people whose step it is, with photos and signatures.

The services stamp "now" on a few moments they record; the demo moves those
back to the story's moment right after each step (``_backdate``): the
rectification's ``submitted_at``, an acceptance's ``at``, ``closed_at`` and an
extension's ``decided_at``. ``reported_at`` and the deadline come from
``report_hazard(reported_at=...)`` itself. The audit trail keeps the real
(seeding) time: it is append-only. Photos after a fix carry the seeding time
in their stamp, as ``submit_rectification`` stamps what it receives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from safeloop.platform.demo.pictures import scene_jpeg, signature_data_url

# (library code, area, equipment, reporter, hours ago, report photos, story).
# Stories: "assigned" (left as routed), "start", "extend", "awaiting:<n accepted>",
# "closed", "rejected-closed", "dismissed", "extended".
STORIES = [
    ("MECH-004", "W1-A1", "PR-002", "E5001", 2, 3, "assigned"),
    ("ELEC-001", "W1-A3", None, "T3001", 96, 2, "assigned"),  # overdue by a day
    ("LIFT-003", "W1-A2", "CR-001", "T3001", 26, 2, "start"),
    ("HGT-001", "W1-A3", None, "S4001", 30, 2, "extend"),
    ("ELEC-004", "W1-A1", None, "E5001", 24, 1, "awaiting:0"),
    ("MECH-001", "W1-A1", "PR-001", "E5001", 40, 3, "awaiting:1"),
    ("LIFT-002", "W1-A2", "CR-001", "T3001", 20, 2, "awaiting:1"),
    ("PROC-002", "W1-A2", None, "T3001", 22, 2, "awaiting:2"),  # major: 3 levels
    ("LIFT-004", "W1-A2", "CR-001", "S4001", 144, 1, "closed"),
    ("ELEC-002", "W1-A1", None, "T3001", 120, 2, "rejected-closed"),
    ("HSK-001", "W1-A3", None, "E5001", 72, 1, "dismissed"),
    ("CHEM-001", "W1-A2", None, "D2001", 40, 1, "extended"),
    ("FIRE-005", "W4-A2", None, "S4001", 50, 2, "assigned"),  # major, overdue
    ("FIRE-001", "W3-A2", None, "S4001", 20, 2, "start"),
    ("MECH-003", "W2-A2", None, "D2001", 80, 1, "assigned"),  # overdue
    ("VEH-004", "W5-A1", None, "D2001", 6, 1, "assigned"),
    ("VEH-001", "W4-A3", "FL-003", "D2001", 30, 1, "assigned"),
]
FIXES = {
    "MECH": "已加装防护罩并紧固，试机正常",
    "ELEC": "已由持证电工整改，线路穿管敷设，试跳正常",
    "LIFT": "已更换吊具配件，空载、额定载荷试吊正常",
    "FIRE": "已更换合格器材并张贴检查卡",
}
REJECTION = "临时线仍未拆除，需穿管敷设后再报验收"
DISMISSAL = "经核实为卷料临时周转区，已划线管理，不属于隐患"
EXTENSION = "护栏需外协加工，预计下周二到货安装，期间已设警戒区"


@dataclass
class Cast:
    """Who does what in the stories: employee no. → User."""

    users: dict
    now: datetime

    def ago(self, hours: float) -> datetime:
        return self.now - timedelta(hours=hours)


def _backdate(model, row, **moments) -> None:
    model.objects.filter(pk=row.pk).update(**moments)


def _photos(caption: str, count: int, seed: int, *, fixed: bool = False) -> list:
    return [scene_jpeg(caption, seed * 7 + n, fixed=fixed) for n in range(count)]


def _fix_text(hazard) -> str:
    code = hazard.library_entry.code if hazard.library_entry else ""
    return FIXES.get(code.split("-")[0], "已整改完毕，现场恢复正常")


MAJOR_PLAN = {
    "goal": "消除隐患，恢复设备设施安全状态，经评估合格后销号",
    "funds": "专项维修费 3 万元，列入本月安全生产费用",
    "people": "主要负责人黄建牵头，设备部组织实施，安全员孙浩全程监督",
    "interim_measures": "现场设警戒并挂牌停用，每班巡查；制定现场处置方案，应急器材到位",
}


def _plan_measures(hazard) -> str:
    """The library's remedy for this hazard, then the same check across the works."""
    hint = hazard.library_entry.rectification_hint if hazard.library_entry else ""
    same_check = "举一反三，全厂同类部位全面排查"
    return f"{hint.rstrip('。')}；{same_check}" if hint else same_check


def plan_major(hazard, cast: Cast, at: datetime, *, approve: bool = True) -> None:
    """A major hazard's plan, drafted by the safety officer and approved by the principal."""
    from safeloop.tenants.hazards import major
    from safeloop.tenants.hazards.models import MajorCase

    case = major.case_of(hazard)
    if case is None or case.plan_approved:
        return
    major.save_plan(
        hazard,
        by=cast.users["S4001"],
        deadline=cast.now + timedelta(days=7),
        measures=_plan_measures(hazard),
        **MAJOR_PLAN,
    )
    moments = {"plan_at": at}
    if approve:
        major.approve_plan(hazard, by=cast.users["P0001"])
        moments["plan_approved_at"] = at + timedelta(hours=1)
    MajorCase.objects.filter(pk=case.pk).update(**moments)


def rectify(hazard, cast: Cast, at: datetime):
    from safeloop.tenants.hazards.models import Rectification
    from safeloop.tenants.hazards.services import submit_rectification

    plan_major(hazard, cast, at - timedelta(hours=6))
    hazard.refresh_from_db()
    fixer = hazard.assignee.user
    hazard = submit_rectification(
        hazard,
        by=fixer,
        description=_fix_text(hazard),
        after_photos=_photos("整改后 " + hazard.title[:12], 2, hazard.pk, fixed=True),
        signature_data_url=signature_data_url(hazard.pk),
        test_result="合格",
    )
    _backdate(Rectification, hazard.rectifications.order_by("-id").first(), submitted_at=at)
    return hazard


def sign_off(hazard, user, at: datetime, *, reject: str = "", assessor=None):
    from safeloop.tenants.hazards import major, services
    from safeloop.tenants.hazards.models import Acceptance, Hazard

    if not reject and assessor is not None and major.awaits_assessment(hazard):
        major.record_assessment(
            hazard,
            by=assessor,
            assessors="设备部工程师、外聘安全专家",
            conclusion="治理措施落实到位，复测合格，同意销号",
            passed=True,
        )
    if reject:
        hazard = services.reject(hazard, by=user, reason=reject)
    else:
        hazard = services.accept(
            hazard,
            by=user,
            note="现场复查合格",
            signature_data_url=signature_data_url(hazard.pk * 10 + hazard.acceptances.count()),
        )
    _backdate(Acceptance, hazard.acceptances.order_by("-id").first(), at=at)
    if hazard.closed_at:
        _backdate(Hazard, hazard, closed_at=at)
    return hazard


def close(hazard, cast: Cast, start: datetime) -> None:
    """Fixed the day after, signed off level by level that afternoon."""
    fixed = start + timedelta(hours=20)
    hazard = rectify(hazard, cast, fixed)
    acceptors = {
        "team_leader": "T3001",
        "safety_officer": "S4001",
        "leader_in_charge": "L7001",
        "principal": "P0001",
    }
    for n, level in enumerate(hazard.acceptance_levels):
        hazard = sign_off(
            hazard,
            cast.users[acceptors[level]],
            fixed + timedelta(hours=2 + n),
            assessor=cast.users["S4001"],
        )


STOP_SCOPE = "隐患所在区域停止作业，设警戒线，无关人员撤离"


def _play(hazard, story: str, cast: Cast, reported: datetime) -> None:
    from safeloop.tenants.hazards import major
    from safeloop.tenants.hazards.models import DeadlineExtension, Hazard
    from safeloop.tenants.hazards.services import (
        decide_extension,
        dismiss,
        request_extension,
        start_rectification,
    )

    users = cast.users
    if major.case_of(hazard) is not None and story in ("assigned", "start"):
        # A major hazard on its legal path: the area stopped, the plan drafted; approved
        # once the fix has started, else waiting for the principal (黄建) on first login.
        major.order_stop_work(hazard, by=users["S4001"], scope=STOP_SCOPE)
        plan_major(hazard, cast, reported + timedelta(hours=2), approve=story == "start")
    if story == "start":
        start_rectification(hazard, by=hazard.assignee.user)
    elif story in ("extend", "extended"):
        start_rectification(hazard, by=hazard.assignee.user)
        extension = request_extension(
            hazard,
            by=hazard.assignee.user,
            new_deadline=hazard.deadline + timedelta(days=5),
            reason=EXTENSION,
        )
        if story == "extended":
            decide_extension(extension, by=users["A0001"], approve=True, note="同意，注意警戒")
            _backdate(DeadlineExtension, extension, decided_at=reported + timedelta(hours=6))
    elif story.startswith("awaiting:"):
        hazard = rectify(hazard, cast, reported + timedelta(hours=12))
        for n in range(int(story.split(":")[1])):
            level_user = users[("T3001", "S4001")[n]]
            hazard = sign_off(hazard, level_user, reported + timedelta(hours=14 + n))
    elif story == "closed":
        close(hazard, cast, reported)
    elif story == "rejected-closed":
        hazard = rectify(hazard, cast, reported + timedelta(hours=20))
        hazard = sign_off(hazard, users["T3001"], reported + timedelta(hours=22), reject=REJECTION)
        close(hazard, cast, reported + timedelta(hours=26))
    elif story == "dismissed":
        dismiss(hazard, by=users["S4001"], reason=DISMISSAL)
        _backdate(Hazard, hazard, closed_at=reported + timedelta(hours=3))


def seed_hazards(people: dict, findings: list, now: datetime) -> None:
    from safeloop.tenants.facilities.models import Area, Equipment
    from safeloop.tenants.hazards.models import LibraryEntry
    from safeloop.tenants.hazards.services import report_hazard

    cast = Cast({number: person.user for number, person in people.items()}, now)
    areas = {a.code: a for a in Area.objects.all()}
    machines = {e.code: e for e in Equipment.objects.all()}
    entries = {e.code: e for e in LibraryEntry.objects.all()}
    for n, (code, area, machine, reporter, hours, photos, story) in enumerate(STORIES):
        entry = entries[code]
        reported = cast.ago(hours)
        hazard = report_hazard(
            by=cast.users[reporter],
            area=areas[area],
            equipment=machines.get(machine),
            library_entry=entry,
            photos=_photos(entry.title[:14], photos, 100 + n),
            reported_at=reported,
            is_near_miss=code.startswith("VEH-001"),
        )
        _play(hazard, story, cast, reported)
    for finding in findings:  # failed inspection items, a few days old: fixed and closed
        if finding.days_ago >= 3:
            close(finding.hazard, cast, finding.at)
