"""Courses (课程) and lessons (课时) as Wagtail pages in each tenant's schema.

The tree is: the tenant's Wagtail root → one ``CourseIndexPage`` (培训课程) →
``CoursePage`` → ``LessonPage``. Titles are Chinese (``title``) with an
optional English ``title_en``, as everywhere else in SafeLoop.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page

from safeloop.learning.blocks import LessonStreamBlock


def _english() -> bool:
    return (get_language() or "").startswith("en")


class BilingualTitle(models.Model):
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def display_title(self) -> str:
        return self.title_en if _english() and self.title_en else self.title


class CourseIndexPage(BilingualTitle, Page):
    """The enterprise's course catalogue (培训课程), one per tenant."""

    intro = models.TextField(_("introduction"), blank=True)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["learning.CoursePage"]
    max_count = 1

    content_panels = [*Page.content_panels, FieldPanel("title_en"), FieldPanel("intro")]

    class Meta:
        verbose_name = _("course catalogue")

    def __str__(self) -> str:
        return self.title


class CoursePage(BilingualTitle, Page):
    """A course (课程), e.g. 机械设备安全操作; its lessons are its child pages."""

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("A short code, e.g. MECH-01; course packs and imports refer to it."),
    )
    summary = models.TextField(_("summary"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    cover = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("cover picture"),
    )
    hours = models.DecimalField(
        _("credit hours"),
        max_digits=5,
        decimal_places=1,
        default=1,
        help_text=_("Class hours (学时) recorded in the training archive on completion."),
    )
    renewal_months = models.PositiveSmallIntegerField(
        _("renewal interval (months)"),
        default=12,
        help_text=_("How long a certificate stays valid before the refresher; 0 = never expires."),
    )

    parent_page_types = ["learning.CourseIndexPage"]
    subpage_types = ["learning.LessonPage"]

    content_panels = [
        *Page.content_panels,
        FieldPanel("title_en"),
        FieldPanel("code"),
        FieldPanel("summary"),
        FieldPanel("summary_en"),
        FieldPanel("cover"),
        FieldPanel("hours"),
        FieldPanel("renewal_months"),
    ]

    class Meta:
        verbose_name = _("course")

    def __str__(self) -> str:
        return self.title

    @property
    def display_summary(self) -> str:
        return self.summary_en if _english() and self.summary_en else self.summary


class LessonPage(BilingualTitle, Page):
    """One lesson (课时) of a course: text, pictures, video and documents."""

    body = StreamField(LessonStreamBlock(), blank=True, verbose_name=_("content"))
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), default=10, help_text=_("About how long the lesson takes.")
    )

    parent_page_types = ["learning.CoursePage"]
    subpage_types: list[str] = []

    content_panels = [
        *Page.content_panels,
        FieldPanel("title_en"),
        FieldPanel("minutes"),
        FieldPanel("body"),
    ]

    class Meta:
        verbose_name = _("lesson")

    def __str__(self) -> str:
        return self.title
