"""An e-mail backend for tests: Django's locmem outbox, but each send takes a moment.

Two workers racing for the same notification overlap only if sending is not
instant; a real SMTP round trip is not either.
"""

from __future__ import annotations

import time

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

SEND_SECONDS = 0.4


class SlowLocmemBackend(LocmemBackend):
    def send_messages(self, messages):
        time.sleep(SEND_SECONDS)
        return super().send_messages(messages)
