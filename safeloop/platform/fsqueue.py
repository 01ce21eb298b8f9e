"""Kombu's file-system transport with messages that appear whole.

The embedded default (no REDIS_URL) queues tasks as files in ``state/broker``.
Kombu's own transport creates a message's file, then writes it: a worker that
lists the folder in between moves the empty file away, fails to decode it and
stops ("Unrecoverable error: JSONDecodeError"), and the task is lost. Here a
message is written under a name the worker does not pick up, flushed to disk,
then renamed into place: the rename is atomic, so a worker sees the whole
message or none of it.

``install()`` (run when the Celery app loads, in every SafeLoop process) makes
``filesystem://`` mean this transport, so the URL alone still says which
broker is used; everything else (reading, fanout, exchanges) is Kombu's.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

# A name kombu's reader skips: it takes only "<ms>_<uuid>.<queue>.msg".
PARTIAL_SUFFIX = ".part"


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        """Put ``payload`` on ``queue`` as one file that appears complete."""
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + PARTIAL_SUFFIX
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
                f.flush()
                os.fsync(f.fileno())
            os.replace(partial, final)
        except OSError as exc:
            try:
                os.remove(partial)
            except OSError:
                pass
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel


def install() -> None:
    """``filesystem://`` selects this transport in this process."""
    TRANSPORT_ALIASES["filesystem"] = f"{__name__}:Transport"
