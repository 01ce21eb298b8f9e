"""Course packs (课程包) and the assignments they give people, and lesson progress.

A pack names courses and whom they are for: job roles (岗位), areas, named
people. Its rules (who gets what when joining or changing role, due dates,
renewal, reminders) live in ``safeloop/learning/assignment_services.py``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safeloop.tenants.facilities.models import BilingualName, code_validator


class CoursePack(BilingualName):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    courses = models.ManyToManyField(
        "learning.CoursePage",
        through="learning.CoursePackCourse",
        related_name="packs",
        verbose_name=_("courses"),
    )
    job_roles = models.ManyToManyField(
        "facilities.JobRole", blank=True, related_name="course_packs", verbose_name=_("job roles")
    )
    areas = models.ManyToManyField(
        "facilities.Area",
        blank=True,
        related_name="course_packs",
        verbose_name=_("areas"),
        help_text=_("Everyone in these areas (and the areas below them)."),
    )
    people = models.ManyToManyField(
        "facilities.Person", blank=True, related_name="course_packs", verbose_name=_("people")
    )
    due_days = models.PositiveSmallIntegerField(
        _("due within (days)"), default=30, help_text=_("Days from assignment to the due date.")
    )
    # Empty: each course's own renewal interval.
    renewal_months = models.PositiveSmallIntegerField(
        _("renewal interval (months)"), null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("course pack")


class CoursePackCourse(models.Model):
    pack = models.ForeignKey(CoursePack, on_delete=models.CASCADE, related_name="items")
    course = models.ForeignKey("learning.CoursePage", on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["pack_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "course"], name="learning_pack_course_once")
        ]

    def __str__(self) -> str:
        return f"{self.pack_id}:{self.course_id}"


class AssignmentSource(models.TextChoices):
    PACK = "pack", _("Course pack")
    RENEWAL = "renewal", _("Renewal")
    MANUAL = "manual", _("Assigned by hand")


class Assignment(models.Model):
    """A course a person must finish by a date (required training, 必修)."""

    person = models.ForeignKey(
        "facilities.Person", on_delete=models.CASCADE, related_name="course_assignments"
    )
    course = models.ForeignKey(
        "learning.CoursePage", on_delete=models.CASCADE, related_name="assignments"
    )
    pack = models.ForeignKey(
        CoursePack, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )
    source = models.CharField(max_length=10, choices=AssignmentSource.choices)
    assigned_at = models.DateTimeField(_("assigned at"))
    due_on = models.DateField(_("due on"))
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Set once each, so a reminder and an overdue notice go out once.
    reminded_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    # An assignment no longer required (role changed, pack removed) stays in the archive.
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("course assignment")
        constraints = [
            # One open assignment per person and course.
            models.UniqueConstraint(
                fields=["person", "course"],
                condition=models.Q(completed_at__isnull=True, cancelled_at__isnull=True),
                name="learning_one_open_assignment",
            )
        ]
        indexes = [models.Index(fields=["person", "due_on"])]

    def __str__(self) -> str:
        return f"{self.person_id} → {self.course_id} (due {self.due_on})"


class LessonProgress(models.Model):
    """How far a person got in a lesson: opened, read to the end, video watched."""

    person = models.ForeignKey(
        "facilities.Person", on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(
        "learning.LessonPage", on_delete=models.CASCADE, related_name="progress"
    )
    opened_at = models.DateTimeField()
    # The end of the lesson scrolled into view.
    read_to_end_at = models.DateTimeField(null=True, blank=True)
    # Read to the end, and every video in it watched to ≥ 90 %.
    completed_at = models.DateTimeField(null=True, blank=True)
    # Share watched of the lesson's least-watched video, 0-100 (100 without videos).
    video_percent = models.PositiveSmallIntegerField(default=0)
    # {"<video block id>": furthest point reached in percent, ...}
    videos = models.JSONField(default=dict, blank=True)
    seconds_spent = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "lesson"], name="learning_progress_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.lesson_id}"
