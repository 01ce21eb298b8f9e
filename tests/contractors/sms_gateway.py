"""An SMS gateway for the suppliers' tests (SAFELOOP_SMS_BACKEND): it keeps what it was
asked to send, or refuses while ``down`` is set (a gateway outage)."""

from __future__ import annotations

from typing import ClassVar


class SupplierSmsGateway:
    sent: ClassVar[list[tuple[str, str, str]]] = []
    down: ClassVar[bool] = False

    def send(self, phone: str, text: str, *, key: str = "") -> None:
        if self.down:
            raise ConnectionError("gateway unreachable")
        self.sent.append((phone, text, key))
