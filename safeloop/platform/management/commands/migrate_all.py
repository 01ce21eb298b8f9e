from django.core.management.base import BaseCommand, CommandError

from safeloop.platform.migrating import TenantSchemasMissing
from safeloop.platform.services import migrate_all


class Command(BaseCommand):
    help = (
        "Migrate the public schema, the base schema new tenants are cloned from, "
        "and the tenants that miss a migration."
    )

    def handle(self, *args, **options):
        try:
            run = migrate_all(verbosity=max(0, options["verbosity"] - 1))
        except TenantSchemasMissing as exc:
            self.stdout.write(exc.run.summary())
            raise CommandError(str(exc)) from exc
        self.stdout.write(run.summary())
        self.stdout.write(self.style.SUCCESS("Schemas are up to date."))
