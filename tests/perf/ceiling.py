"""The ceiling of tests/perf/bench_hot_paths.py: SafeLoop's settings, middleware and
gunicorn, with two pages that do (almost) no work of their own.

What a signed-in page costs before its view does anything (tenant routing, the
session, the user and person, CSP, CSRF, language, the outsiders' gate, …), and
what the cheapest honest QR page could cost: the token lookup every scan needs,
then the whole page from one cache read. The QR page and a GraphQL list are read
against these as well as against the floor: a target the ceiling itself misses
cannot be met by any view.

This module is the settings module (``DJANGO_SETTINGS_MODULE=tests.perf.ceiling``);
its URLs are tests/perf/ceiling_urls.py. Not collected by pytest.
"""

from safeloop.platform.settings import *  # noqa: F403 — SafeLoop's settings, unchanged …

ROOT_URLCONF = "tests.perf.ceiling_urls"  # … but for the two ceiling pages on a tenant's host
