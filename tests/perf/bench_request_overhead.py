"""In-process cost of the request around the view: queries and milliseconds per request.

    .venv/bin/python -m pytest tests/perf/bench_request_overhead.py -q -s

Runs through Django's test client (middleware, sessions, templates, the GraphQL view;
no socket), against the test database the suite builds (DATABASE_URL, REDIS_URL as
for the tests). For each lever of issue 12, switched on one after the other, and
each path it prints the queries of one warm request (``SET search_path`` counted
apart) and the mean and p50 milliseconds over ``BENCH_REQUESTS`` requests (default
300):

* the QR point page of W1's first area for Zhang San, signed in, zh-CN browser;
* the same page for an anonymous phone (the redirect to PIN login);
* GraphQL ``hazards(first: 20)`` with a Bearer token (20 hazards exist).

Not switched, so on in every row: the GraphQL parser and validation caches (parse
and validate of this document cost about 2 ms) and the API token loaded with its
user and person in one query (the first row's GraphQL count is one lower than the
code before issue 12). The machine is shared: compare figures of one run only.
"""

from __future__ import annotations

import os
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safeloop.tenants.accounts.services import create_api_token
from safeloop.tenants.facilities.models import Area
from tests.graphql.test_hazards_query_counts import make_hazards

pytestmark = pytest.mark.django_db

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
HAZARDS_20 = """
query {
  hazards(first: 20) {
    totalCount
    edges { node { id number title grade state deadline area { code } assignee { name } } }
  }
}
"""


def _queries(name: str, send) -> tuple[int, int]:
    """(queries, SET search_path) of one warm request."""
    with CaptureQueriesContext(connection) as captured:
        send()
    sets = sum(1 for q in captured.captured_queries if q["sql"].startswith("SET "))
    if os.environ.get("BENCH_SQL"):
        print(f"\n--- {name}")
        for query in captured.captured_queries:
            if not query["sql"].startswith("SET "):
                print("  ", query["sql"][:160])
    return len(captured.captured_queries) - sets, sets


def _timed(send, count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        send()
        times.append((time.perf_counter() - start) * 1000)
    return times


DJANGO_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Each lever on top of the ones before it; the first row is the code before issue 12.
LEVERS = [
    (
        "before: no lever",
        {
            "TENANT_LIMIT_SET_CALLS": False,
            "SAFELOOP_TENANT_CACHE_SECONDS": 0,
            "SESSION_ENGINE": "django.contrib.sessions.backends.db",
            "AUTHENTICATION_BACKENDS": DJANGO_BACKENDS,
            "SAFELOOP_UNREAD_CACHE_SECONDS": 0,
        },
    ),
    ("+ TENANT_LIMIT_SET_CALLS", {"TENANT_LIMIT_SET_CALLS": True}),
    ("+ host → tenant cache (30 s)", {"SAFELOOP_TENANT_CACHE_SECONDS": 30}),
    ("+ sessions from the cache", {"SESSION_ENGINE": "safeloop.platform.sessions"}),
    ("+ user and person in one query", {"AUTHENTICATION_BACKENDS": None}),
    ("+ unread count cached (60 s)", {"SAFELOOP_UNREAD_CACHE_SECONDS": 60}),
]


PATHS = ["QR page, Zhang San signed in", "QR page, anonymous", "GraphQL hazards(first: 20)"]
ROUNDS = 10


def test_request_overhead(acme_client, zhang, wang, settings):
    """Every lever's cumulative state, measured in ROUNDS interleaved rounds (load drifts)."""
    from django.test import Client

    press_line = Area.objects.filter(parent__code="W1").order_by("code").first()
    url = f"/q/{press_line.qr_token}/"
    make_hazards(20, photos_each=0)
    _token, secret = create_api_token(by=wang, name="bench")
    host = f"acme.{settings.SAFELOOP_BASE_DOMAIN}"
    ours = list(settings.AUTHENTICATION_BACKENDS)

    states, state = [], {}
    for lever, overrides in LEVERS:
        state = {**state, **overrides}
        if state["AUTHENTICATION_BACKENDS"] is None:
            state["AUTHENTICATION_BACKENDS"] = ours
        states.append((lever, dict(state)))

    def apply(state: dict) -> None:
        for name, value in state.items():
            setattr(settings, name, value)

    senders = []
    for _lever, state in states:
        apply(state)
        # Clients per state: SessionMiddleware reads SESSION_ENGINE when it is built.
        signed_in = Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
        signed_in.force_login(zhang)
        anonymous = Client(HTTP_HOST=host, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
        api = Client(HTTP_HOST=host)

        def qr_page(client=signed_in):
            assert client.get(url).status_code == 200

        def qr_anonymous(client=anonymous):
            assert client.get(url).status_code == 302

        def graphql_list(client=api):
            response = client.post(
                "/graphql/",
                data={"query": HAZARDS_20},
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Bearer {secret}",
            )
            body = response.json()
            assert "errors" not in body, body
            assert len(body["data"]["hazards"]["edges"]) == 20

        senders.append([qr_page, qr_anonymous, graphql_list])

    counts, times = {}, {}
    for i, (_lever, state) in enumerate(states):
        apply(state)
        for j, send in enumerate(senders[i]):
            _timed(send, 5)
            counts[i, j] = _queries(f"{_lever}: {PATHS[j]}", send)
            times[i, j] = []
    for _round in range(ROUNDS):
        for i, (_lever, state) in enumerate(states):
            apply(state)
            for j, send in enumerate(senders[i]):
                times[i, j] += _timed(send, max(1, REQUESTS // ROUNDS))

    print()
    print(f"{'':32}" + "".join(f"{p[:26]:>28}" for p in PATHS))
    print(f"{'lever (cumulative)':32}" + f"{'queries+SET  mean  p50 ms':>28}" * 3)
    for i, (lever, _state) in enumerate(states):
        cells = ""
        for j in range(len(PATHS)):
            queries, sets = counts[i, j]
            mean, p50 = statistics.fmean(times[i, j]), statistics.median(times[i, j])
            cells += f"{queries:>13d}+{sets:<2d} {mean:6.1f} {p50:6.1f}"
        print(f"{lever:32}{cells}")
    print(
        f"(n={REQUESTS} requests per cell in {ROUNDS} interleaved rounds, in-process test "
        "client; queries exclude SET search_path, counted after the +)"
    )
