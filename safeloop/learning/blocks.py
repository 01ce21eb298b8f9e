"""The blocks a lesson is written in (StreamField): text, pictures, video,
PDF documents, headings and the 危险/注意 callouts of a safety manual."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock


class CalloutLevel:
    DANGER = "danger"  # 危险
    CAUTION = "caution"  # 注意
    NOTE = "note"  # 提示

    CHOICES = [
        (DANGER, _("Danger")),
        (CAUTION, _("Caution")),
        (NOTE, _("Note")),
    ]


class CalloutBlock(blocks.StructBlock):
    level = blocks.ChoiceBlock(choices=CalloutLevel.CHOICES, default=CalloutLevel.CAUTION)
    text = blocks.RichTextBlock(features=["bold", "italic", "ol", "ul"])

    class Meta:
        icon = "warning"
        label = _("Callout (danger / caution)")
        template = "learning/blocks/callout.html"


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Picture")
        template = "learning/blocks/figure.html"


class VideoBlock(blocks.StructBlock):
    """A video file uploaded as a Wagtail document (mp4/webm), played inline."""

    video = DocumentChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "learning/blocks/video.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "doc-full"
        label = _("PDF document")
        template = "learning/blocks/document.html"


class LessonStreamBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(max_length=120, form_classname="title", label=_("Heading"))
    text = blocks.RichTextBlock(
        features=["h3", "bold", "italic", "ol", "ul", "link"], label=_("Text")
    )
    figure = FigureBlock()
    video = VideoBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
