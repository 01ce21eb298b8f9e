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


def rectify(hazard, cast: Cast, at: datetime):
    from safeloop.tenants.hazards.models import Rectification
    from safeloop.tenants.hazards.services import submit_rectification

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


def sign_off(hazard, user, at: datetime, *, reject: str = ""):
    from safeloop.tenants.hazards import services
    from safeloop.tenants.hazards.models import Acceptance, Hazard

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
    acceptors = {"team_leader": "T3001", "safety_officer": "S4001", "leader_in_charge": "L7001"}
    for n, level in enumerate(hazard.acceptance_levels):
        hazard = sign_off(hazard, cast.users[acceptors[level]], fixed + timedelta(hours=2 + n))


def _play(hazard, story: str, cast: Cast, reported: datetime) -> None:
    from safeloop.tenants.hazards.models import DeadlineExtension, Hazard
    from safeloop.tenants.hazards.services import (
        decide_extension,
        dismiss,
        request_extension,
        start_rectification,
    )

    users = cast.users
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
