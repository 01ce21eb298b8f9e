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


class FileSmsGateway:
    """The same for a server in another process (the e2e tests): each message is one JSON
    line appended to the file ``SAFELOOP_TEST_SMS_FILE`` names."""

    def send(self, phone: str, text: str, *, key: str = "") -> None:
        import json
        import os

        with open(os.environ["SAFELOOP_TEST_SMS_FILE"], "a", encoding="utf-8") as out:
            out.write(json.dumps({"phone": phone, "text": text, "key": key}) + "\n")
