"""What a lesson file may be: PDF documents and mp4/webm videos (Wagtail documents).

The server always checks the name's extension and the file's first bytes, and the
size per kind (``SAFELOOP_DOCUMENT_MAX_MB`` for PDFs, ``SAFELOOP_VIDEO_MAX_MB``
for videos); the browser checks the same before uploading (``cms-upload.js``),
which only saves a long wait. Pictures are Wagtail images: Wagtail checks their
extension against the format it reads from the bytes, and
``WAGTAILIMAGES_MAX_UPLOAD_SIZE``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm

from safeloop.platform.limits import PLAN_LIMIT_CODE, ensure_storage_room

MB = 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    extension: str
    video: bool

    @property
    def max_bytes(self) -> int:
        mb = settings.SAFELOOP_VIDEO_MAX_MB if self.video else settings.SAFELOOP_DOCUMENT_MAX_MB
        return mb * MB

    def matches(self, head: bytes) -> bool:
        if self.extension == "pdf":
            return head.startswith(b"%PDF-")
        if self.extension == "mp4":
            return head[4:8] == b"ftyp"
        # WebM is Matroska (EBML header) whose document type is "webm".
        return head.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in head[:64]


KINDS = {
    "pdf": FileKind("pdf", video=False),
    "mp4": FileKind("mp4", video=True),
    "webm": FileKind("webm", video=True),
}


def check_lesson_file(uploaded) -> FileKind:
    """The kind of an uploaded lesson file; ValidationError when its name, its bytes or
    its size do not fit."""
    extension = os.path.splitext(uploaded.name or "")[1].lower().lstrip(".")
    kind = KINDS.get(extension)
    if kind is None:
        raise ValidationError(
            _("Only PDF documents and MP4 or WebM videos can be uploaded."), code="file_type"
        )
    position = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(64)
    uploaded.seek(position)
    if not kind.matches(head):
        raise ValidationError(
            _("This file is not a real %(kind)s file (its content does not match its name).")
            % {"kind": extension.upper()},
            code="file_content",
        )
    if uploaded.size > kind.max_bytes:
        raise ValidationError(
            _("This file is too big (%(size)s). The limit for %(kind)s files is %(limit)s.")
            % {
                "size": filesizeformat(uploaded.size),
                "kind": extension.upper(),
                "limit": filesizeformat(kind.max_bytes),
            },
            code="file_too_large",
        )
    return kind


def lesson_file_limits_text() -> str:
    """The limits per kind, for the upload forms (Wagtail's own text names only the largest)."""
    return _("PDF documents up to %(document)s MB; MP4 or WebM videos up to %(video)s MB.") % {
        "document": settings.SAFELOOP_DOCUMENT_MAX_MB,
        "video": settings.SAFELOOP_VIDEO_MAX_MB,
    }


class LessonFileForm(BaseDocumentForm):
    """Wagtail's document form (single and multiple upload, chooser) with our checks."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The multiple-upload page shows this field's help text as its only hint.
        if "file" in self.fields:
            field = self.fields["file"]
            field.help_text = lesson_file_limits_text()
            # What the upload page says of a file over the largest limit.
            field.error_messages["file_too_large_unknown_size"] = _(
                "This file is too big. %(limits)s"
            ) % {"limits": field.help_text}

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and "file" in self.changed_data:
            check_lesson_file(uploaded)
            try:
                ensure_storage_room(uploaded.size)
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages[0], code=PLAN_LIMIT_CODE) from None
        return uploaded
