"""A real e-mail sink for tests that run SafeLoop in other processes.

``Backend`` is Django's file-based e-mail backend with its folder taken from
the environment (SAFELOOP_TEST_MAILBOX), because the settings read only
EMAIL_BACKEND: a web or worker process started with
``EMAIL_BACKEND=tests.support.mailbox.Backend`` writes every message it sends
there, through the same ``send_mail`` path as production SMTP.
``delivered`` reads them back as (recipient, subject, Message-ID), one per
message and recipient, so a test can count deliveries as a mail server or a
mail client does: a message sent again with the same Message-ID is the same
message (the outbox gives each notification a stable one for that reason).
"""

from __future__ import annotations

import email
import email.policy
import os
from pathlib import Path

from django.core.mail.backends.filebased import EmailBackend

ENV = "SAFELOOP_TEST_MAILBOX"
SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # what the file-based backend writes after each message


class Backend(EmailBackend):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("file_path", os.environ[ENV])
        super().__init__(*args, **kwargs)

    def _get_filename(self):
        # The sender's process id in the name: a test can tell which pool
        # process is delivering right now (writer_of).
        if self._fname is None:
            self._fname = super()._get_filename().removesuffix(".log") + f"-{os.getpid()}.log"
        return self._fname


def delivered(folder: Path) -> list[tuple[str, str, str]]:
    """Every (recipient, subject, Message-ID) written to ``folder``, once per delivery."""
    pairs = []
    for path in sorted(Path(folder).glob("*.log")):
        for chunk in path.read_bytes().split(SEPARATOR):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk, policy=email.policy.default)
            subject = " ".join(str(message["Subject"] or "").split())
            message_id = str(message["Message-ID"] or "").strip()
            for recipient in message.get_all("To", []):
                for address in str(recipient).split(","):
                    pairs.append((address.strip(), subject, message_id))
    return pairs


def writer_of_newest(folder: Path) -> int:
    """The process id that wrote the newest message."""
    newest = max(Path(folder).glob("*.log"), key=lambda p: p.stat().st_mtime_ns)
    return int(newest.stem.rsplit("-", 1)[1])


def files_written(folder: Path) -> int:
    """How many sends have been written: cheap enough to poll every few milliseconds
    (each ``send_mail`` opens a connection of its own, hence a file of its own)."""
    return len(os.listdir(folder))
