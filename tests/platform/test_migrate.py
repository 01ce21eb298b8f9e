"""`safeloop migrate` migrates only the tenants that miss a migration.

A deploy over a thousand tenants used to run Django's migrate command in every
schema even when nothing had changed. Now the tenants are compared with the base
schema and only a stale one is migrated; a tenant whose schema is gone is named,
not skipped. The work runs on a connection of its own (tests/support/committed.py)
because migrating commits, as a deploy does.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from safeloop.platform.migrating import TenantSchemasMissing, migrate_tenants
from tests.support.committed import committed, throwaway_enterprise

pytestmark = pytest.mark.django_db


# Read on a connection of their own: the test's transaction must hold no lock on a
# throwaway schema, or dropping it at the end waits for the test (two minutes).
def _emergency_phone_column(schema: str) -> bool:
    def read() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_schema = %s "
                "AND table_name = 'risks_risksettings' AND column_name = 'emergency_phone'",
                [schema],
            )
            return cursor.fetchone() is not None

    return committed(read)


def _recorded(schema: str, app: str, name: str) -> bool:
    def read() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT 1 FROM "{schema}".django_migrations WHERE app = %s AND name = %s',
                [app, name],
            )
            return cursor.fetchone() is not None

    return committed(read)


def _lose_newest_risks_migration(schema: str) -> None:
    """The tenant as it was before risks 0002 (and the 0003 to 0005 that follow
    it, and the IoT app, which depends on 0005): no columns, no record of any."""

    def undo() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE "{schema}".risks_risksettings DROP COLUMN emergency_phone')
            cursor.execute(f'ALTER TABLE "{schema}".risks_riskpoint DROP COLUMN basis')
            cursor.execute(
                f'ALTER TABLE "{schema}".risks_hazardsource DROP COLUMN accident_edition'
            )
            cursor.execute(f'DROP TABLE "{schema}".risks_confinedspace')
            cursor.execute(f'DROP TABLE "{schema}".risks_dustsite')
            cursor.execute(
                f'DELETE FROM "{schema}".django_migrations '
                "WHERE app = 'risks' "
                "AND name IN ('0002_risksettings_emergency_phone', '0003_basis', "
                "'0004_accident_edition', '0005_inventories')"
            )
            iot = ", ".join(
                f'"{schema}".iot_{table}'
                for table in ("reading", "alarm", "threshold", "sensor", "device", "responseplan")
            )
            cursor.execute(f"DROP TABLE {iot} CASCADE")
            cursor.execute(f"DELETE FROM \"{schema}\".django_migrations WHERE app = 'iot'")

    committed(undo)


def test_a_deploy_with_nothing_to_migrate_visits_no_tenant():
    out = io.StringIO()

    committed(lambda: call_command("migrate_all", stdout=out))

    tenants = int(re.search(r"(\d+) tenants up to date, 0 migrated", out.getvalue()).group(1))
    assert tenants >= 2  # Acme and Globex, and whatever other tests left committed
    assert "Schemas are up to date." in out.getvalue()


def test_a_tenant_missing_a_migration_is_migrated_and_no_other():
    with throwaway_enterprise() as stale:
        _lose_newest_risks_migration(stale.schema_name)

        run = committed(migrate_tenants)

        assert run.migrated == [stale.schema_name]
        assert f"1 of {run.tenants} tenants migrated" in run.summary()
        assert _recorded(stale.schema_name, "risks", "0002_risksettings_emergency_phone")
        assert _emergency_phone_column(stale.schema_name)
        # and a second deploy finds nothing left to do
        assert committed(migrate_tenants).migrated == []


def test_a_tenant_without_a_schema_is_named_after_the_others_are_migrated():
    from safeloop.platform.models import Enterprise

    with throwaway_enterprise() as stale:
        _lose_newest_risks_migration(stale.schema_name)
        committed(
            lambda: Enterprise.objects.create(
                schema_name="gone_works", slug="gone-works", name="Gone Works", industry="metal"
            )
        )
        try:
            with pytest.raises(TenantSchemasMissing) as raised:
                committed(migrate_tenants)
            with pytest.raises(CommandError, match="gone_works"):
                committed(lambda: call_command("migrate_all", stdout=io.StringIO()))
        finally:
            committed(lambda: Enterprise.objects.filter(schema_name="gone_works").delete())

        assert raised.value.run.missing == ["gone_works"]
        assert "gone_works" in str(raised.value)
        assert raised.value.run.migrated == [stale.schema_name]
        assert _emergency_phone_column(stale.schema_name)


def test_many_stale_tenants_are_migrated_in_parallel_processes(settings):
    settings.TENANT_MULTIPROCESSING_MAX_PROCESSES = 2
    settings.SAFELOOP_MIGRATE_PARALLEL_FROM = 2

    with throwaway_enterprise() as first, throwaway_enterprise() as second:
        for enterprise in (first, second):
            _lose_newest_risks_migration(enterprise.schema_name)

        run = committed(migrate_tenants)

        assert run.executor == "multiprocessing"
        assert sorted(run.migrated) == sorted([first.schema_name, second.schema_name])
        for enterprise in (first, second):
            assert _emergency_phone_column(enterprise.schema_name)
            assert _recorded(enterprise.schema_name, "risks", "0002_risksettings_emergency_phone")


def test_the_parallel_executor_is_chosen_only_for_many_stale_tenants(settings):
    settings.TENANT_MULTIPROCESSING_MAX_PROCESSES = 2
    settings.SAFELOOP_MIGRATE_PARALLEL_FROM = 8

    from safeloop.platform.migrating import executor_for

    assert executor_for(7) == "standard"
    assert executor_for(8) == "multiprocessing"
    settings.TENANT_MULTIPROCESSING_MAX_PROCESSES = 1
    assert executor_for(1000) == "standard"


# --- each enterprise's Wagtail site ------------------------------------------------


def _reset_site_to_wagtails_default(enterprise) -> None:
    """The enterprise as it was before it had its own site: Wagtail's localhost:80 with
    its welcome page as root (what the base schema, and so every clone, carried)."""
    from wagtail.models import Page, Site

    def reset() -> None:
        welcome = Page.get_first_root_node().add_child(
            instance=Page(title="Welcome to your new Wagtail site!", slug="home")
        )
        Site.objects.filter(is_default_site=True).update(
            hostname="localhost", port=80, root_page=welcome, site_name=""
        )

    committed(reset, enterprise)


def _site(enterprise) -> tuple:
    from wagtail.models import Page, Site

    from safeloop.learning.models import CourseIndexPage

    def read() -> tuple:
        site = Site.objects.get(is_default_site=True)
        index = CourseIndexPage.objects.get()
        return (
            site.hostname,
            site.root_page_id == index.pk,
            site.site_name,
            Page.objects.filter(depth=2).count(),
        )

    return committed(read, enterprise)


def test_a_deploy_gives_an_enterprise_made_before_the_course_editor_its_own_site():
    from safeloop.platform.services import ensure_enterprise_sites

    with throwaway_enterprise() as old, throwaway_enterprise() as fine:
        _reset_site_to_wagtails_default(old)

        committed(lambda: call_command("migrate_all", stdout=io.StringIO()))

        assert _site(old) == (old.host, True, old.name, 1)
        assert _site(fine) == (fine.host, True, fine.name, 1)
        # and the next deploy finds nothing to set
        assert committed(ensure_enterprise_sites) == []


def test_the_base_schema_keeps_wagtails_localhost_site():
    from django_tenants.utils import get_tenant_base_schema, schema_context
    from wagtail.models import Site

    from safeloop.platform.services import ensure_enterprise_sites

    committed(ensure_enterprise_sites)

    def read() -> list:
        with schema_context(get_tenant_base_schema()):
            return list(Site.objects.values_list("hostname", "port"))

    assert committed(read) == [("localhost", 80)]
