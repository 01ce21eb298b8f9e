"""The product's settings plus the throwaway tenant app (tests/perf/bench_migrate.py)."""

from safeloop.platform.settings import *  # noqa: F403
from safeloop.platform.settings import INSTALLED_APPS, TENANT_APPS

TENANT_APPS = [*TENANT_APPS, "tests.perf.migrate_probe"]
INSTALLED_APPS = [*INSTALLED_APPS, "tests.perf.migrate_probe"]
