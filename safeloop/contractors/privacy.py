"""The privacy notice (个人信息处理告知) a worker agrees to before registration.

A consent records the notice's version and the SHA-256 of the exact text shown,
so what a worker agreed to can be proved later even after the text changes.
A new text needs a new version.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

NOTICE_VERSION = "2026-01"


@dataclass(frozen=True)
class Notice:
    version: str
    text: str

    @property
    def text_hash(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def notice(language: str | None = None) -> Notice:
    """The current notice in ``language`` (the active one by default)."""
    with translation.override(language or translation.get_language()):
        text = _(
            "To let you work on this site safely, the enterprise records your name, phone, "
            "photo, ID number, work types and special operation certificates. They are used "
            "only for site access, safety training and emergencies, kept while you work here "
            "and for the period the law requires, and shown to nobody outside the enterprise. "
            "Your ID number is stored encrypted and shown masked. You may ask to see, correct "
            "or delete your data through the site's safety management."
        )
    return Notice(NOTICE_VERSION, text)


def current_text_hashes() -> set[str]:
    """The hashes of the current notice in every language it is shown in."""
    return {notice(code).text_hash for code in ("zh-hans", "en")}
