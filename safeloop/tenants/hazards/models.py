"""Hidden dangers (隐患) and their closed loop: report → fix → accept → close."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from safeloop.platform.gb6441 import Edition, edition_in_force
from safeloop.tenants.facilities.models import BilingualName, Shift

# Where the library's pictograms live, as a static path and on disk.
PICTURE_STATIC_PREFIX = "safeloop/hazards/pictures/"
PICTURE_DIR = Path(__file__).resolve().parents[2] / "static" / PICTURE_STATIC_PREFIX


class Grade(models.TextChoices):
    GENERAL = "general", _("General")  # 一般
    SERIOUS = "serious", _("Serious")  # 较大
    MAJOR = "major", _("Major")  # 重大


class State(models.TextChoices):
    REPORTED = "reported", _("Reported")
    ASSIGNED = "assigned", _("Assigned")
    RECTIFYING = "rectifying", _("Rectifying")
    AWAITING_ACCEPTANCE = "awaiting_acceptance", _("Awaiting acceptance")
    CLOSED = "closed", _("Closed")
    DISMISSED = "dismissed", _("Dismissed")


OPEN_STATES = (State.REPORTED, State.ASSIGNED, State.RECTIFYING, State.AWAITING_ACCEPTANCE)


class ClauseStatus(models.TextChoices):
    """Where a 判定标准 clause proposed for a hazard stands (clauses.py)."""

    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    OVERRULED = "overruled", _("Overruled")


class AcceptanceLevel(models.TextChoices):
    TEAM_LEADER = "team_leader", _("Team leader")
    SAFETY_OFFICER = "safety_officer", _("Safety officer")
    LEADER_IN_CHARGE = "leader_in_charge", _("Leader in charge")
    VERIFIER = "verifier", _("Third-party verifier")
    # A major hazard's last level: the 主要负责人 signs it off (销号) after the assessment.
    PRINCIPAL = "principal", _("Principal (sign-off, 销号)")


def new_verifier_token() -> str:
    return secrets.token_urlsafe(16)


class HazardCategory(BilingualName):
    code = models.CharField(max_length=30, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "hazard categories"


class LibraryEntry(models.Model):
    """One entry of the hazard library (隐患库): tapped instead of typed."""

    code = models.CharField(max_length=30, unique=True)
    title = models.CharField(max_length=120)
    title_en = models.CharField(max_length=160, blank=True)
    category = models.ForeignKey(HazardCategory, on_delete=models.PROTECT, related_name="entries")
    grade = models.CharField(max_length=10, choices=Grade.choices, default=Grade.GENERAL)
    equipment_type = models.ForeignKey(
        "facilities.EquipmentType", null=True, blank=True, on_delete=models.SET_NULL
    )
    # The Chinese name of a GB 6441 accident type, in ``accident_edition``'s list
    # (safeloop.platform.gb6441): entries keep the edition they were written in.
    accident_type = models.CharField(max_length=20, blank=True)
    accident_edition = models.CharField(
        _("GB 6441 edition"), max_length=4, choices=Edition.choices, default=edition_in_force
    )
    # The job whose holder commits what the entry describes ("叉车无证驾驶": the forklift
    # driver): routing never gives such a hazard to a person with this job.
    violator_job_role = models.ForeignKey(
        "facilities.JobRole", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rectification_hint = models.CharField(max_length=200, blank=True)
    rectification_hint_en = models.CharField(max_length=200, blank=True)
    # 依据: the standard and clause the entry rests on, e.g.
    # "工贸行业重大事故隐患判定标准（2023）第十三条第（一）项". A major entry always has one.
    basis = models.CharField(max_length=200, blank=True)
    # The key of a pictogram in PICTURE_DIR (图库: seed 004's "1 pick" is a tap on a
    # picture). The drawings are shared, immutable static files of our own, so an
    # enterprise stores only the key, never a copy.
    picture = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "library entries"

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        if (get_language() or "").startswith("en") and self.title_en:
            return self.title_en
        return self.title

    @property
    def picture_url(self) -> str | None:
        """The pictogram's static URL, or None for an entry without one."""
        if not self.picture:
            return None
        return static(f"{PICTURE_STATIC_PREFIX}{self.picture}.svg")


class GradePolicy(models.Model):
    """What a grade means in this enterprise: deadline, who is told, who accepts."""

    grade = models.CharField(max_length=10, choices=Grade.choices, unique=True)
    deadline_hours = models.PositiveIntegerField()
    reminder_before_hours = models.PositiveIntegerField(default=12)
    escalate_after_hours = models.PositiveIntegerField(default=2)
    second_escalation_after_hours = models.PositiveIntegerField(default=24)
    notify_roles = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    acceptance_levels = ArrayField(
        models.CharField(max_length=30, choices=AcceptanceLevel.choices), default=list
    )

    class Meta:
        ordering = ["deadline_hours"]
        verbose_name_plural = "grade policies"

    def __str__(self) -> str:
        return self.get_grade_display()


class RoutingRule(models.Model):
    """Who fixes a hazard: the most specific active rule that matches wins.

    A rule names a person outright, or a job role resolved to a person with
    that role in the hazard's workshop (falling back to its team leader).
    """

    priority = models.PositiveIntegerField(default=100)
    category = models.ForeignKey(HazardCategory, null=True, blank=True, on_delete=models.CASCADE)
    area = models.ForeignKey(
        "facilities.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    equipment_type = models.ForeignKey(
        "facilities.EquipmentType", null=True, blank=True, on_delete=models.CASCADE
    )
    assignee = models.ForeignKey(
        "facilities.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    assignee_job_role = models.ForeignKey(
        "facilities.JobRole", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return f"rule #{self.pk}"


class Hazard(models.Model):
    number = models.CharField(max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), blank=True)
    library_entry = models.ForeignKey(
        LibraryEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="hazards"
    )
    category = models.ForeignKey(
        HazardCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="hazards"
    )
    grade = models.CharField(_("grade"), max_length=10, choices=Grade.choices)
    state = models.CharField(max_length=24, choices=State.choices, default=State.REPORTED)
    is_near_miss = models.BooleanField(_("near miss"), default=False)
    area = models.ForeignKey("facilities.Area", on_delete=models.PROTECT, related_name="hazards")
    equipment = models.ForeignKey(
        "facilities.Equipment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hazards",
    )
    shift = models.CharField(max_length=10, choices=Shift.choices, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_anonymous = models.BooleanField(default=False)
    reported_at = models.DateTimeField(default=timezone.now, db_index=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    gps_accuracy_m = models.FloatField(null=True, blank=True)
    assignee = models.ForeignKey(
        "facilities.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_hazards",
    )
    workshop = models.ForeignKey(
        "facilities.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    acceptance_levels = ArrayField(models.CharField(max_length=30), default=list)
    accepted_count = models.PositiveSmallIntegerField(default=0)
    verifier_token = models.CharField(max_length=32, unique=True, default=new_verifier_token)
    closed_at = models.DateTimeField(null=True, blank=True)
    dismissed_reason = models.TextField(blank=True)
    # The report form's one-time key, hashed with the reporter's id (see
    # services.submission_key): a phone that sends the same report again after a
    # timeout gets the hazard it filed the first time instead of a second one.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    # The 重大事故隐患判定标准 clause that made this hazard 重大 (clauses.py): a
    # snapshot, so a later edit of the criteria data does not rewrite the record.
    clause_id = models.CharField(max_length=40, blank=True)
    clause_number = models.CharField(max_length=60, blank=True)
    clause_text = models.TextField(blank=True)
    clause_criteria = models.CharField(max_length=160, blank=True)
    clause_version = models.CharField(max_length=20, blank=True)
    clause_status = models.CharField(max_length=10, choices=ClauseStatus.choices, blank=True)
    clause_reason = models.TextField(blank=True)
    clause_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    clause_decided_at = models.DateTimeField(null=True, blank=True)
    # The grade the reporter or the library entry gave before the clause made it
    # major: what an overruled clause goes back to.
    grade_before_clause = models.CharField(max_length=10, choices=Grade.choices, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.deadline is not None and self.deadline < timezone.now()

    @property
    def next_acceptance_level(self) -> str | None:
        if self.state != State.AWAITING_ACCEPTANCE:
            return None
        if self.accepted_count < len(self.acceptance_levels):
            return self.acceptance_levels[self.accepted_count]
        return None


class PhotoStage(models.TextChoices):
    REPORT = "report", _("Before")
    RECTIFICATION = "rectification", _("After")


class HazardPhoto(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(max_length=20, choices=PhotoStage.choices)
    image = models.ImageField(upload_to="hazards/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    taken_at = models.DateTimeField(null=True, blank=True)
    is_stale = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.hazard_id} {self.stage} photo"


class Rectification(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="rectifications")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    description = models.TextField()
    test_result = models.CharField(max_length=200, blank=True)
    signature = models.ImageField(upload_to="signatures/%Y/%m/")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return f"rectification of {self.hazard_id}"


class Decision(models.TextChoices):
    ACCEPT = "accept", _("Accepted")
    REJECT = "reject", _("Rejected")


class Acceptance(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="acceptances")
    level = models.CharField(max_length=30, choices=AcceptanceLevel.choices)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    # Each level's acceptor signs the sign-off by hand, as the fixer signs the fix
    # ("multi-level review"); a rejection needs a reason, not a signature.
    signature = models.ImageField(upload_to="signatures/%Y/%m/", blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.level} {self.decision} {self.hazard_id}"


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class DeadlineExtension(models.Model):
    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    new_deadline = models.DateTimeField()
    reason = models.TextField()
    state = models.CharField(
        max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"extension of {self.hazard_id} to {self.new_deadline:%Y-%m-%d %H:%M}"


class DeadlineSignal(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the deadline")
    ESCALATION_1 = "escalation_1", _("Overdue: escalated one level up")
    ESCALATION_2 = "escalation_2", _("Overdue: escalated further up")


class DeadlineMark(models.Model):
    """A reminder or escalation queued for one deadline: never twice.

    Written in the transaction that puts its message in the outbox, so a mark
    never exists without its notification rows (the outbox sweep delivers them
    even if the broker lost the message). The unique constraint is the guarantee
    that two workers or a restarted one cannot queue the same signal again; a new
    deadline (extension) starts afresh.
    """

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="deadline_marks")
    signal = models.CharField(max_length=20, choices=DeadlineSignal.choices)
    deadline = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["hazard", "signal", "deadline"], name="one_signal_per_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"{self.signal} for {self.hazard_id}"


class HazardSettings(models.Model):
    """Enterprise-wide switches for hazard reporting (one row)."""

    anonymous_reporting = models.BooleanField(
        _("allow anonymous reports"),
        default=False,
        help_text=_("Off by default: a named report can be followed up."),
    )

    class Meta:
        verbose_name_plural = "hazard settings"

    def __str__(self) -> str:
        return "hazard settings"

    @classmethod
    def current(cls) -> HazardSettings:
        return cls.objects.first() or cls()


class MajorCase(models.Model):
    """The legal path of one 重大事故隐患 (《安全生产事故隐患排查治理暂行规定》 Art. 15, 18;
    《安全生产法》 Art. 41): a stop-work order where needed, the remediation plan (治理方案)
    the principal (主要负责人) approves, the assessment (评估) before sign-off (销号), and
    the reports to the regulator and the workers' congress (职代会).

    The rules are in :mod:`safeloop.tenants.hazards.major`.
    """

    hazard = models.OneToOneField(Hazard, on_delete=models.CASCADE, related_name="major_case")
    opened_at = models.DateTimeField(default=timezone.now)

    stop_scope = models.TextField(_("what is stopped"), blank=True)
    stop_ordered_at = models.DateTimeField(null=True, blank=True)
    stop_ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    stop_lifted_at = models.DateTimeField(null=True, blank=True)

    # The plan's six parts (Art. 15): goal and tasks, methods and measures, money and
    # materials, the people in charge, the deadline, and safety measures meanwhile.
    goal = models.TextField(_("goal and tasks"), blank=True)
    measures = models.TextField(_("methods and measures"), blank=True)
    funds = models.TextField(_("funds and materials"), blank=True)
    people = models.TextField(_("organisation and people in charge"), blank=True)
    plan_deadline = models.DateTimeField(_("remediation deadline"), null=True, blank=True)
    interim_measures = models.TextField(
        _("safety measures and emergency plan meanwhile"), blank=True
    )
    plan_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plan_at = models.DateTimeField(null=True, blank=True)
    plan_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plan_approved_at = models.DateTimeField(null=True, blank=True)

    assessors = models.TextField(_("assessed by"), blank=True)
    assessment = models.TextField(_("assessment conclusion"), blank=True)
    assessment_passed = models.BooleanField(null=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)

    reported_to_regulator_at = models.DateTimeField(null=True, blank=True)
    reported_to_congress_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"major case of {self.hazard_id}"

    @property
    def is_stopped(self) -> bool:
        return self.stop_ordered_at is not None and self.stop_lifted_at is None

    @property
    def plan_approved(self) -> bool:
        return self.plan_approved_at is not None
