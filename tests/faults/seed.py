"""Set up the fault suite's database, as an operator would, and say what was made.

Run as its own process on the stack's DATABASE_URL
(``python -m tests.faults.seed``): every schema migrated with the project's own
``migrate`` command, then Acme provisioned with the people the rest of the
test suite knows (conftest.ACME_STAFF), a press in workshop W1 with its QR
code, and an API token for Zhang San, the operator who reports. Prints one line
of JSON for the harness.
"""

from __future__ import annotations

import json

import django


def main() -> None:
    django.setup()
    from django.core.management import call_command
    from django_tenants.utils import tenant_context

    from conftest import PASSWORD, PIN, _pin_hash, _seed_acme_people
    from safeloop.graphql.nodes import global_id
    from safeloop.platform.services import SignupData, ensure_public_tenant, provision_enterprise
    from safeloop.tenants.accounts.models import ApiToken, hash_secret
    from safeloop.tenants.accounts.services import TOKEN_PREFIX
    from safeloop.tenants.facilities.models import Area, EquipmentType, Person
    from safeloop.tenants.facilities.services import create_equipment
    from safeloop.tenants.hazards.models import Grade, LibraryEntry

    call_command("migrate_all", verbosity=0)
    ensure_public_tenant()
    acme = provision_enterprise(
        SignupData(
            "Acme Metal Works", "acme", "metal", "Wang Wei", "wang@acme.test", PASSWORD, "zh-hans"
        )
    )
    with tenant_context(acme):
        _seed_acme_people()
        wang = Person.objects.get(user__email="wang@acme.test").user
        zhang = Person.objects.get(employee_no="E1002")
        area = Area.objects.filter(parent__code="W1").order_by("code").first()
        press = create_equipment(
            by=wang,
            code="PR-F01",
            name="Press",
            area=area,
            equipment_type=EquipmentType.objects.get(code="PRESS"),
        )
        major = LibraryEntry.objects.filter(grade=Grade.MAJOR).order_by("code").first()
        # Zhang may not create tokens himself (an admin's right); an integration
        # on his phone would hold one made for him.
        secret = TOKEN_PREFIX + "faults-" + "z" * 24
        ApiToken.objects.create(
            user=zhang.user, name="phone", prefix=secret[:12], key_hash=hash_secret(secret)
        )
        Person.objects.filter(pk=zhang.pk).update(pin_hash=_pin_hash())
        seeded = {
            "host": acme.host,
            "schema": acme.schema_name,
            "qr_token": str(press.qr_token),
            "major_entry": major.pk,
            "area_id": global_id("Area", press.area),
            "equipment_id": global_id("Equipment", press),
            "major_entry_id": global_id("LibraryEntry", major),
            "api_token": secret,
            "employee_no": zhang.employee_no,
            "pin": PIN,
        }
    print(json.dumps(seeded))


if __name__ == "__main__":
    main()
