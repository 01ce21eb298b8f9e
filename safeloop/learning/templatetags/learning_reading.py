"""Links to a lesson's media through the learning views, which check the sign-in and
the enterprise (Wagtail's own ``url`` would point at unserved storage paths)."""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()


@register.filter
def document_url(document) -> str:
    return reverse("learning:lesson_document", args=[document.pk]) if document else ""


@register.filter
def rendition_url(rendition) -> str:
    return reverse("learning:lesson_image", args=[rendition.pk]) if rendition else ""
