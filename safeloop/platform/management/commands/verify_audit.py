from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from safeloop.platform.models import Enterprise
from safeloop.tenants.audit.services import verify_chain


class Command(BaseCommand):
    help = "Verify a tenant's hash-chained audit trail; name the first broken event."

    def add_arguments(self, parser):
        parser.add_argument("tenant", help="the enterprise's sub-domain (slug) or schema name")

    def handle(self, *args, tenant, **options):
        enterprise = (
            Enterprise.objects.filter(slug=tenant).first()
            or Enterprise.objects.filter(schema_name=tenant).exclude(schema_name="public").first()
        )
        if enterprise is None:
            raise CommandError(f"No enterprise {tenant!r}.")
        with tenant_context(enterprise):
            report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit chain of {enterprise.slug} is broken at event #{report.broken_id}: "
                f"{report.reason} ({report.checked} events before it are intact)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain of {enterprise.slug} is intact: {report.checked} events."
            )
        )
