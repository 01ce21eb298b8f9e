"""Group HQs and district authorities, and the people who sign in for them.

    safeloop oversight list
    safeloop oversight create "华东集团" --email hq@east.example          (a group HQ)
    safeloop oversight create "某区应急管理局" --district --email a@gov.example
    safeloop oversight add-account 3 --email deputy@east.example
    safeloop oversight remove-account --email deputy@east.example

A new account's password is generated and printed once: give it to the person, who
signs in at /hq/login/ on the public host. Sites join with invitation codes the HQ
makes on its page.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from safeloop.platform import oversight
from safeloop.platform.models import Oversight, OversightKind


class Command(BaseCommand):
    help = "List, create and staff group HQs and district authorities."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="every HQ and authority, with its accounts and sites")
        create = sub.add_parser("create", help="a group HQ (or --district) and its first account")
        create.add_argument("name")
        create.add_argument("--district", action="store_true", help="a district authority")
        create.add_argument("--email", required=True)
        add = sub.add_parser("add-account", help="another person for an HQ or authority")
        add.add_argument("oversight_id", type=int)
        add.add_argument("--email", required=True)
        remove = sub.add_parser("remove-account", help="end a person's access at once")
        remove.add_argument("--email", required=True)

    def handle(self, *args, **o):
        getattr(self, "_" + o["action"].replace("-", "_"))(o)

    def _list(self, o) -> None:
        found = Oversight.objects.prefetch_related("accounts__user").order_by("pk")
        for item in found:
            emails = ", ".join(a.user.email for a in item.accounts.all()) or "-"
            count = len(oversight.sites(item))
            self.stdout.write(
                f"{item.pk}  {item.name} ({item.get_kind_display()}): {count} sites; {emails}"
            )
        if not found:
            self.stdout.write("No HQ or authority yet: safeloop oversight create NAME --email …")

    def _create(self, o) -> None:
        self._check_email(o["email"])
        kind = OversightKind.DISTRICT if o["district"] else OversightKind.GROUP
        item = oversight.create_oversight(o["name"], kind)
        self.stdout.write(self.style.SUCCESS(f"Created {item.name} (id {item.pk})"))
        self._account(item, o["email"])

    def _add_account(self, o) -> None:
        item = Oversight.objects.filter(pk=o["oversight_id"]).first()
        if item is None:
            raise CommandError(f"No HQ or authority has id {o['oversight_id']}: see `list`.")
        self._account(item, o["email"])

    def _remove_account(self, o) -> None:
        try:
            account = oversight.remove_account(o["email"])
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from exc
        gone = f"{account.user.email} can no longer sign in for {account.oversight.name}"
        self.stdout.write(self.style.SUCCESS(gone))

    def _check_email(self, email: str) -> None:
        try:
            validate_email(email.strip())
        except ValidationError as exc:
            raise CommandError(f"{email!r} is not an e-mail address.") from exc
        if get_user_model().objects.filter(username__iexact=email.strip()).exists():
            raise CommandError(f"{email} already has an account.")

    def _account(self, item: Oversight, email: str) -> None:
        self._check_email(email)
        password = secrets.token_urlsafe(12)
        account = oversight.create_account(item, email, password)
        self.stdout.write(
            f"Sign-in for {item.name}: {account.user.email} / {password} at /hq/login/ "
            "(shown once; give it to the person)"
        )
