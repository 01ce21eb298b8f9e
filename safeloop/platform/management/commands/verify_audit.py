from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from safeloop.platform.models import Enterprise
from safeloop.tenants.audit.services import orphan_seals, verify_chain


class Command(BaseCommand):
    help = (
        "Verify audit trails against their keys and seals: one tenant's, or every tenant's "
        "and the seals left without a tenant. Names each break; exits non-zero on any."
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
        broken = []
        for enterprise in tenants:
            with tenant_context(enterprise):
                report = verify_chain()
            if report.ok:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Audit chain of {enterprise.slug} is intact: {report.checked} events."
                    )
                )
                continue
            intact = "before the break are intact" if report.broken_id else "verified"
            broken.append(
                f"Audit chain of {enterprise.slug} is broken: {report.reason} "
                f"({report.checked} events {intact})."
            )
        if tenant is None:
            broken += [
                f"Audit seal without a trail: {problem}."
                for problem in orphan_seals(tenants.values_list("schema_name", flat=True))
            ]
        if broken:
            raise CommandError("\n".join(broken))
