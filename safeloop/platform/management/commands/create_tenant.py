from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from safeloop.platform.industry import list_templates
from safeloop.platform.services import SignupData, provision_enterprise


class Command(BaseCommand):
    help = "Provision an enterprise: clone the base schema, apply a template, add an admin."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="sub-domain, e.g. acme → acme.<base domain>")
        parser.add_argument("--name", required=True, help="company name")
        parser.add_argument("--industry", required=True, choices=[t.key for t in list_templates()])
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-name", default="Admin")
        parser.add_argument("--admin-password", required=True)
        parser.add_argument("--language", default="zh-hans", choices=["zh-hans", "en"])

    def handle(self, *args, **o):
        try:
            enterprise = provision_enterprise(
                SignupData(
                    company_name=o["name"],
                    slug=o["slug"],
                    industry=o["industry"],
                    admin_name=o["admin_name"],
                    admin_email=o["admin_email"],
                    admin_password=o["admin_password"],
                    language=o["language"],
                )
            )
        except ValidationError as exc:
            lines = [f"{field}: {'; '.join(msgs)}" for field, msgs in exc.message_dict.items()]
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {enterprise.name} at {enterprise.host}"))
