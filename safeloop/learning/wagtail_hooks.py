"""The Wagtail admin (课程编辑) as SafeLoop shows it: the upload checks in the browser,
no Wagtail pages for people, groups or sites (they are SafeLoop's; see cms.py), no
menu items that lead nowhere useful here (Wagtail's reports of its own page tree,
its English help and "what's new"), and a dashboard that leads to the rest of
training: packs, quizzes, the question bank and the archive."""

from __future__ import annotations

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from safeloop.access import can
from safeloop.learning.cms import CLOSED_SECTIONS
from safeloop.learning.cms_uploads import MB
from safeloop.learning.permissions import LearningPerm


@hooks.register("insert_global_admin_js")
def upload_limits_js() -> str:
    """cms-upload.js with the limits and its messages as data attributes (no inline script)."""
    return format_html(
        '<script src="{}" defer data-image-max="{}" data-video-max="{}" data-document-max="{}"'
        ' data-image-types="{}" data-msg-type="{}" data-msg-size="{}"></script>',
        static("safeloop/learning/cms-upload.js"),
        settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE,
        settings.SAFELOOP_VIDEO_MAX_MB * MB,
        settings.SAFELOOP_DOCUMENT_MAX_MB * MB,
        ",".join(settings.WAGTAILIMAGES_EXTENSIONS),
        _("%(name)s: this type of file cannot be uploaded here. Allowed: %(allowed)s."),
        _("%(name)s is too big (%(size)s MB). The limit for this type is %(limit)s MB."),
    )


@hooks.register("construct_settings_menu")
def hide_people_and_sites(request, menu_items) -> None:
    closed = {section.rstrip("/") for section in CLOSED_SECTIONS}
    menu_items[:] = [item for item in menu_items if item.name not in closed]


# Wagtail's "Reports" (locked pages, site history, aging pages…) and "Help" (its
# English editor guide and what's new) answer questions about Wagtail, not training.
HIDDEN_MAIN_MENU = ("reports", "help")


@hooks.register("construct_main_menu")
def hide_reports_and_help(request, menu_items) -> None:
    menu_items[:] = [item for item in menu_items if item.name not in HIDDEN_MAIN_MENU]


class TrainingLinksPanel(Component):
    """The dashboard's way back to the training pages a course editor also keeps."""

    name = "safeloop_training"
    order = 10
    template_name = "learning/cms/dashboard_links.html"

    def __init__(self, request) -> None:
        self.request = request

    def get_context_data(self, parent_context=None) -> dict:
        user = self.request.user
        links = [
            (LearningPerm.LEARNING_MANAGE, "learning:packs", _("Course packs")),
            (LearningPerm.LEARNING_MANAGE, "learning:quizzes", _("Quizzes")),
            (LearningPerm.LEARNING_MANAGE, "learning:bank", _("Question bank")),
            (LearningPerm.LEARNING_VIEW_ALL, "learning:archive", _("Training archive")),
            (LearningPerm.LEARNING_TAKE, "learning:my_courses", _("My courses")),
        ]
        return {
            "links": [
                {"url": reverse(name), "label": label}
                for perm, name, label in links
                if can(user, perm)
            ]
        }


@hooks.register("construct_homepage_panels")
def add_training_links(request, panels) -> None:
    panels.insert(0, TrainingLinksPanel(request))
