"""An SMS gateway for tests (SAFELOOP_SMS_BACKEND): it keeps what it was asked to send."""

from __future__ import annotations

from typing import ClassVar


class RecordingSmsBackend:
    sent: ClassVar[list[tuple[str, str]]] = []
    keys: ClassVar[list[str]] = []

    def send(self, phone: str, text: str, *, key: str = "") -> None:
        self.sent.append((phone, text))
        self.keys.append(key)
