"""Generated GraphQL requests against a real server: no 5xx, no error text not ours.

Not part of the default run (the file name does not match test_*.py); CI runs it
after the suite:

    ./dev test tests/fuzz/graphql_schemathesis.py

A gunicorn serves the test database (as the e2e tests run it); Acme's admin Wang
gets an API token; schemathesis reads the schema by introspection and sends
generated queries and mutations for a bounded time, with the checks
``no_5xx`` and ``only_our_errors`` (tests/fuzz/schemathesis_hooks.py).
A short run without a token follows (the view answers 401 with our message).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django_tenants.utils import tenant_context

from tests.support.server import ARTIFACTS, free_port, serving

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

# The whole step stays within 3 minutes on a 2-core machine: about 1 minute for the
# test database and the server, the rest for requests.
MAX_TIME = int(os.environ.get("SAFELOOP_FUZZ_SECONDS", "80"))
ANONYMOUS_MAX_TIME = 10
# Mutations that would end the run early: revoking the token it signs in with.
EXCLUDED = ["Mutation.revokeApiToken"]
SDL = Path(__file__).resolve().parents[2] / "schema.graphql"


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker):
    with serving(free_port(), django_db_blocker, log_name="fuzz-server") as served:
        yield served


@pytest.fixture(scope="module")
def admin_token(django_db_setup, django_db_blocker) -> str:
    """A bearer token of Wang, Acme's admin, committed for the server to see."""
    from django.contrib.auth import get_user_model

    from safeloop.platform.models import Enterprise
    from safeloop.tenants.accounts.services import create_api_token

    with django_db_blocker.unblock():
        with tenant_context(Enterprise.objects.get(slug="acme")):
            wang = get_user_model().objects.get(email="wang@acme.test")
            _token, secret = create_api_token(by=wang, name="schemathesis")
    return secret


def schemathesis(server: dict, *args: str, max_time: int, report: str) -> tuple[int, str]:
    from django.conf import settings

    host = f"acme.{settings.SAFELOOP_BASE_DOMAIN}:{server['port']}"
    command = [
        str(Path(sys.executable).parent / "st"),
        "run",
        # The committed SDL (kept current by test_schema_sdl), so that the
        # anonymous run, which may not introspect, tests the same operations.
        str(SDL),
        "--url",
        f"http://127.0.0.1:{server['port']}/graphql/",
        "--header",
        f"Host: {host}",
        "--checks",
        "no_5xx,only_our_errors",
        "--phases",
        "examples,coverage,fuzzing",
        "--max-time",
        str(max_time),
        "--workers",
        "2",
        "--seed",
        os.environ.get("SAFELOOP_FUZZ_SEED", "11"),
        "--no-color",
        "--report",
        "junit",
        "--report-junit-path",
        str(ARTIFACTS / f"{report}.xml"),
        *[arg for name in EXCLUDED for arg in ("--exclude-name", name)],
        *args,
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.fuzz.schemathesis_hooks"}
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=max_time + 120, check=False
    )
    output = done.stdout + done.stderr
    (ARTIFACTS / f"{report}.txt").write_text(output)
    print(output)
    return done.returncode, output


def test_generated_requests_by_an_admin_get_no_5xx_and_only_our_errors(server, admin_token):
    code, output = schemathesis(
        server,
        "--header",
        f"Authorization: Bearer {admin_token}",
        max_time=MAX_TIME,
        report="schemathesis-admin",
    )

    assert code == 0, output[-4000:]


def test_generated_requests_without_a_token_get_no_5xx_and_only_our_errors(server):
    code, output = schemathesis(
        server, max_time=ANONYMOUS_MAX_TIME, report="schemathesis-anonymous"
    )

    assert code == 0, output[-4000:]
