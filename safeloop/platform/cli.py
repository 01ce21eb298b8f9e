"""The ``safeloop`` command.

safeloop run                  migrate, seed the demo, serve web + worker + beat
safeloop migrate              migrate public, the base schema and the tenants that miss a migration
safeloop create-tenant ...    provision an enterprise (see --help)
safeloop demo                 provision the demo enterprise and print its logins
safeloop verify-audit [SLUG]  check one tenant's audit trail (or all) against its key and seal
safeloop oversight ...        group HQs and district authorities and their sign-ins (see --help)
safeloop <django command>     any other Django / django-tenants management command
"""

from __future__ import annotations

import os
import sys

ALIASES = {"migrate": "migrate_all"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safeloop.platform.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__)
        if not args:
            return
    if args and not args[0].startswith("-"):
        command = args[0].replace("-", "_")
        args[0] = ALIASES.get(command, command)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["safeloop", *args])


if __name__ == "__main__":
    main()
