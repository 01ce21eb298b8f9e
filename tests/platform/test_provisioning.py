"""Provisioning an enterprise: cloned schema, template applied, first admin, nothing half-way."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from safeloop.platform.models import Domain, Enterprise
from safeloop.platform.services import SignupData, provision_enterprise

pytestmark = pytest.mark.django_db


def _signup(**overrides) -> SignupData:
    values = dict(
        company_name="Shenzhen Mining Co",
        slug="szmine",
        industry="mining",
        admin_name="Liu Yang",
        admin_email="liu@szmine.test",
        admin_password="Open-Pit-2026!",
        language="zh-hans",
    )
    values.update(overrides)
    return SignupData(**values)


def _tenant_tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def test_new_enterprise_gets_template_areas_roles_and_its_admin():
    enterprise = provision_enterprise(_signup())

    assert enterprise.trial_days_left == 30
    assert Domain.objects.get(tenant=enterprise).domain == "szmine.localhost"
    with tenant_context(enterprise):
        from safeloop.tenants.facilities.models import Area, EquipmentType, JobRole, Person

        assert Area.objects.filter(kind="site").count() == 1
        assert Area.objects.filter(kind="workshop").count() >= 3
        assert JobRole.objects.filter(code="blaster").exists()
        assert EquipmentType.objects.count() >= 8
        admin = Person.objects.get()
        assert admin.user.email == "liu@szmine.test"
        assert admin.user.check_password("Open-Pit-2026!")
        assert "admin" in admin.roles


def test_cloned_schema_has_a_table_for_every_tenant_model():
    enterprise = provision_enterprise(_signup(slug="fresh-clone", admin_email="a@fresh.test"))

    expected = {
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label not in {"platform", "django_celery_beat"}
        and model._meta.managed
        and not model._meta.proxy
        and model._meta.app_config.name in __import__("django.conf").conf.settings.TENANT_APPS
    }
    assert expected <= _tenant_tables(enterprise.schema_name)


def test_each_enterprise_sees_only_its_own_people(acme, globex):
    with tenant_context(globex):
        from safeloop.tenants.facilities.models import Person

        assert set(Person.objects.values_list("user__email", flat=True)) == {"chen@globex.test"}
    with tenant_context(acme):
        assert "chen@globex.test" not in set(Person.objects.values_list("user__email", flat=True))


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("slug", "acme", "slug_taken"),
        ("slug", "admin", "slug_reserved"),
        ("slug", "www", "slug_reserved"),
        ("slug", "Bad_Name!", "slug_format"),
        ("admin_email", "not-an-email", "bad_email"),
        ("admin_password", "123456", "weak_password"),
        ("industry", "bakery", "unknown_industry"),
    ],
)
def test_bad_signup_is_refused_and_leaves_nothing_behind(field, value, code):
    before = (Enterprise.objects.count(), Domain.objects.count())
    data = _signup(
        slug="leftover-check" if field != "slug" else value,
        **({field: value} if field != "slug" else {}),
    )

    with pytest.raises(ValidationError) as raised:
        provision_enterprise(data)

    codes = {e.code for errs in raised.value.error_dict.values() for e in errs}
    key = "slug" if field == "slug" else field
    assert key in raised.value.error_dict
    assert code in codes
    assert (Enterprise.objects.count(), Domain.objects.count()) == before
    assert not schema_exists("leftover_check")


def test_failure_after_cloning_rolls_back_schema_and_rows(monkeypatch):
    from safeloop.tenants.facilities import services as facility_services

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(facility_services, "create_first_admin", explode)

    with pytest.raises(RuntimeError):
        provision_enterprise(_signup(slug="halfway", admin_email="h@halfway.test"))

    assert not Enterprise.objects.filter(slug="halfway").exists()
    assert not Domain.objects.filter(domain__startswith="halfway.").exists()
    assert not schema_exists("halfway")
