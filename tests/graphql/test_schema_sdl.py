"""schema.graphql at the repo root is the committed SDL; it must match the code."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from safeloop.graphql.schema import sdl
from safeloop.platform.management.commands.export_schema import SCHEMA_FILE


def test_committed_schema_graphql_is_current():
    committed = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""

    assert committed == sdl(), "schema.graphql is stale: run `safeloop export-schema`"


def test_export_schema_check_fails_on_a_stale_file(tmp_path):
    stale = tmp_path / "schema.graphql"
    stale.write_text("type Query { old: String }\n", encoding="utf-8")

    with pytest.raises(CommandError, match="stale"):
        call_command("export_schema", "--check", "--path", str(stale))


def test_export_schema_writes_the_sdl(tmp_path):
    target = tmp_path / "schema.graphql"

    call_command("export_schema", "--path", str(target))
    call_command("export_schema", "--check", "--path", str(target))

    assert target.read_text(encoding="utf-8") == sdl()
