"""Courses (课程) and lessons (课时) as Wagtail pages in each tenant's schema.

The tree is: the tenant's Wagtail root → one ``CourseIndexPage`` (培训课程) →
``CoursePage`` → ``LessonPage``. Titles are Chinese (``title``) with an
optional English ``title_en``, as everywhere else in SafeLoop.

Wagtail does not serve these pages: people read them at our own pages
(``learning:my_courses``, ``learning:course``, ``learning:lesson``), which check
the sign-in and record progress. So each page's URL (``page.url``, ``full_url``,
the admin's "View live") is its reading page on the enterprise's host, and
Wagtail's preview is off: its page router would render a template we don't have.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
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


class ReadOnOurPages(models.Model):
    """``get_url_parts`` pointing at our reading page instead of Wagtail's router."""

    # Wagtail's preview renders the page through its own router and templates; the
    # reading pages need an assignment, progress and a published course to show.
    preview_modes: list = []

    class Meta:
        abstract = True

    def reading_path(self) -> str:
        raise NotImplementedError

    def get_url_parts(self, request=None):
        from safeloop.platform.urls_util import public_url

        # Wagtail's answer still names the Site, when the page is under its root; the
        # root URL is the enterprise's host on the public port (safeloop/platform/urls_util).
        wagtail_parts = super().get_url_parts(request=request)  # type: ignore[misc]
        site_id = wagtail_parts[0] if wagtail_parts else None
        return site_id, public_url(""), self.reading_path()


class CourseIndexPage(ReadOnOurPages, BilingualTitle, Page):
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

    def reading_path(self) -> str:
        return reverse("learning:my_courses")


class CoursePage(ReadOnOurPages, BilingualTitle, Page):
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

    def reading_path(self) -> str:
        return reverse("learning:course", kwargs={"course_id": self.pk})


class LessonPage(ReadOnOurPages, BilingualTitle, Page):
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

    def reading_path(self) -> str:
        course_id = Page.objects.filter(path=self.path[: -self.steplen]).values_list("pk")[0][0]
        return reverse("learning:lesson", kwargs={"course_id": course_id, "lesson_id": self.pk})
