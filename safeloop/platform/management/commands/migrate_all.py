from django.core.management.base import BaseCommand

from safeloop.platform.services import migrate_all


class Command(BaseCommand):
    help = "Migrate the public schema, the base schema new tenants are cloned from, and tenants."

    def handle(self, *args, **options):
        migrate_all(verbosity=max(0, options["verbosity"] - 1))
        self.stdout.write(self.style.SUCCESS("Schemas are up to date."))
