from django.core.management.base import BaseCommand

from safeloop.platform.demo import demo_banner, ensure_demo


class Command(BaseCommand):
    help = "Provision the demo enterprise (metal processing) if missing and print its logins."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, port, **options):
        enterprise, logins = ensure_demo()
        self.stdout.write(demo_banner(enterprise, logins, port))
