from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from safeloop.platform.models import Enterprise
from safeloop.tenants.hazards.template_section import fill_library_pictures


class Command(BaseCommand):
    help = (
        "Give the hazard library entries of enterprises provisioned before their industry "
        "template had pictures the template's pictures. Entries that already have a "
        "picture keep it. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "tenant",
            nargs="?",
            help="the enterprise's sub-domain (slug) or schema name; all enterprises if omitted",
        )

    def handle(self, *args, tenant=None, **options):
        tenants = Enterprise.objects.exclude(schema_name="public").order_by("slug")
        if tenant is not None:
            tenants = tenants.filter(slug=tenant) or tenants.filter(schema_name=tenant)
            if not tenants:
                raise CommandError(f"No enterprise {tenant!r}.")
        for enterprise in tenants:
            with tenant_context(enterprise):
                filled = fill_library_pictures(enterprise)
            self.stdout.write(f"{enterprise.slug}: {filled} library entries got a picture.")
