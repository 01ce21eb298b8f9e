"""``safeloop export-schema``: write the GraphQL SDL to schema.graphql at the repo root.

The file is committed so API changes show up in review; ``--check`` (CI and
tests/graphql/test_schema_sdl.py) fails when it is stale.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SCHEMA_FILE = Path(settings.BASE_DIR) / "schema.graphql"


class Command(BaseCommand):
    help = "Write the GraphQL schema (SDL) to schema.graphql; --check fails when it is stale."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="write nothing; exit 1 when schema.graphql differs from the schema",
        )
        parser.add_argument("--path", default=str(SCHEMA_FILE), help="where the SDL goes")

    def handle(self, *args, check: bool, path: str, **options):
        from safeloop.graphql.schema import sdl

        target = Path(path)
        current = sdl()
        if check:
            existing = target.read_text(encoding="utf-8") if target.exists() else ""
            if existing != current:
                raise CommandError(
                    f"{target} is stale: run `safeloop export-schema` and commit it.",
                    returncode=1,
                )
            self.stdout.write(self.style.SUCCESS(f"{target} is up to date."))
            return
        target.write_text(current, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {target}."))
