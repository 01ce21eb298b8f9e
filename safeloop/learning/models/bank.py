"""The question bank (题库): categories, questions and their choices."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from safeloop.tenants.facilities.models import BilingualName, code_validator


class QuestionCategory(BilingualName):
    """A group of questions a quiz draws from, e.g. 用电安全."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])

    class Meta:
        ordering = ["code"]
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")  # 单选题
    MULTIPLE = "multiple", _("Multiple choice")  # 多选题
    TRUE_FALSE = "true_false", _("True / false")  # 判断题


class Question(models.Model):
    category = models.ForeignKey(
        QuestionCategory,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("category"),
    )
    kind = models.CharField(_("type"), max_length=12, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    picture = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("picture"),
    )
    explanation = models.TextField(_("explanation"), blank=True)
    # A retired question is drawn no more; attempts that drew it keep it.
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category_id", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["category", "active"])]

    def __str__(self) -> str:
        return self.text[:60]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("option"), max_length=500)
    correct = models.BooleanField(_("correct"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["question_id", "order", "id"]

    def __str__(self) -> str:
        return self.text
