"""The Wagtail admin (课程编辑) as SafeLoop shows it: the upload checks in the browser,
and no Wagtail pages for people, groups or sites (they are SafeLoop's; see cms.py)."""

from __future__ import annotations

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext as _
from wagtail import hooks

from safeloop.learning.cms import CLOSED_SECTIONS
from safeloop.learning.cms_uploads import MB


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
