"""The seeded test database, built once per version of the code and cloned after that.

Migrating the public and base schemas and provisioning Acme and Globex took each test
process about 110 s (two processes side by side on two cores), and the e2e run, the
generated requests and the smoke paid it again. The first process to need it builds
it as before and keeps a copy: a PostgreSQL database ``sltpl_<fingerprint>`` (and the
files provisioning wrote to MEDIA_ROOT, in the temp folder). Every later process of
this and any later run on the same code clones it with ``CREATE DATABASE … TEMPLATE``
in a few seconds. The fingerprint covers every file of ``safeloop/``, the root
``conftest.py`` (the seeding) and ``pyproject.toml``: change any and it is built again.

One advisory lock (on the server's maintenance database) serialises look-up, build
and clone, so two processes never build it at once, and a copy is never dropped while
another process clones it.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LOCK_KEY = 815_042_017
CACHE = Path(tempfile.gettempdir()) / "safeloop-test-templates"
PREFIX = "sltpl_"


def fingerprint() -> str:
    digest = hashlib.sha256()
    files = [REPO / "conftest.py", REPO / "pyproject.toml"]
    files += sorted(
        p
        for p in (REPO / "safeloop").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )
    for path in files:
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def seeded_database(build: Callable[[], object], media_root: str) -> Callable[[], None]:
    """Make this process's test database (settings switched to it, as Django's
    ``setup_databases`` does): cloned from the kept copy, or built by ``build`` (which
    returns Django's ``setup_databases`` config) and then kept. Returns the teardown."""
    from django.db import connection, connections
    from django.test.utils import teardown_databases

    template = PREFIX + fingerprint()
    snapshot = CACHE / template / "media"
    with connection._nodb_cursor() as lock:
        lock.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            lock.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
            if lock.fetchone() and snapshot.is_dir():
                old_name = connection.settings_dict["NAME"]
                test_name = connection.creation._get_test_db_name()
                lock.execute(f"DROP DATABASE IF EXISTS {_quote(test_name)} WITH (FORCE)")
                lock.execute(f"CREATE DATABASE {_quote(test_name)} TEMPLATE {_quote(template)}")
                _use(test_name)
                shutil.copytree(snapshot, media_root, dirs_exist_ok=True)
                return lambda: connection.creation.destroy_test_db(old_name, verbosity=0)
            config = build()
            connections.close_all()  # a template must have no sessions
            _drop_kept(lock)
            test_name = connection.settings_dict["NAME"]
            lock.execute(f"CREATE DATABASE {_quote(template)} TEMPLATE {_quote(test_name)}")
            partial = snapshot.with_name("media.partial")
            shutil.rmtree(partial, ignore_errors=True)
            shutil.copytree(media_root, partial)
            partial.rename(snapshot)
            return lambda: teardown_databases(config, verbosity=0)
        finally:
            lock.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def _use(name: str) -> None:
    from django.conf import settings
    from django.db import connection

    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _drop_kept(cursor) -> None:
    """Copies of older code: no process of this code will clone them again."""
    cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [PREFIX + "%"])
    for (name,) in cursor.fetchall():
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(name)} WITH (FORCE)")
        shutil.rmtree(CACHE / name, ignore_errors=True)
