"""Quizzes (测验) and attempts: the engine is ours (no maintained Django quiz
library exists); its rules live in ``safeloop/learning/quiz_services.py``."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Quiz(models.Model):
    """N questions drawn at random from chosen categories, after a course or a lesson."""

    course = models.ForeignKey(
        "learning.CoursePage",
        on_delete=models.CASCADE,
        related_name="quizzes",
        verbose_name=_("course"),
    )
    # Empty: the course's final quiz, whose pass completes the course.
    lesson = models.ForeignKey(
        "learning.LessonPage",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quizzes",
        verbose_name=_("lesson"),
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    question_count = models.PositiveSmallIntegerField(
        _("questions per attempt"), default=5, validators=[MinValueValidator(1)]
    )
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True
    )
    # Attempts allowed per assignment; empty = unlimited.
    attempt_limit = models.PositiveSmallIntegerField(_("attempt limit"), null=True, blank=True)
    shuffle_choices = models.BooleanField(_("shuffle options"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.UniqueConstraint(
                fields=["course"],
                condition=models.Q(lesson__isnull=True),
                name="learning_one_final_quiz_per_course",
            ),
            models.UniqueConstraint(fields=["lesson"], name="learning_one_quiz_per_lesson"),
        ]

    def __str__(self) -> str:
        return self.title or str(self.course)


class QuizSource(models.Model):
    """A category a quiz draws from, with an optional weight (share of the draw)."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="sources")
    category = models.ForeignKey(
        "learning.QuestionCategory", on_delete=models.PROTECT, related_name="+"
    )
    weight = models.PositiveSmallIntegerField(default=1, validators=[MinValueValidator(1)])

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["quiz", "category"], name="learning_quiz_source_once")
        ]

    def __str__(self) -> str:
        return f"{self.quiz_id}:{self.category_id}×{self.weight}"


class Attempt(models.Model):
    """One sitting of a quiz by one person. The questions drawn (and the order of
    their options) are fixed here when it starts, so a phone that slept resumes
    the same paper; a retake draws afresh."""

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    person = models.ForeignKey(
        "facilities.Person", on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"), default=1)
    started_at = models.DateTimeField(_("started at"))
    # started_at + time limit; answers after it are refused.
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # [{"question": id, "choices": [choice ids in the order shown]}, ...]
    paper = models.JSONField(default=list)
    # {"<question id>": [choice ids], ...}, saved as the person answers.
    answers = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("quiz attempt")
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "person", "number"], name="learning_attempt_number_once"
            ),
            # At most one open attempt per person and quiz: a second "start" resumes it.
            models.UniqueConstraint(
                fields=["quiz", "person"],
                condition=models.Q(submitted_at__isnull=True),
                name="learning_one_open_attempt",
            ),
        ]
        indexes = [models.Index(fields=["person", "quiz"])]

    def __str__(self) -> str:
        return f"{self.quiz_id}/{self.person_id}#{self.number}"
