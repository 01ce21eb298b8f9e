"""Test set-up shared by tests/ and e2e/.

The test database is created once per run: public schema, the base schema
new tenants are cloned from, and two enterprises provisioned through the real
provisioning service — Acme Metal (metal works) and Globex Foods — with a few
named people whose roles the tests read like prose:

* Acme: Wang Wei is the enterprise admin; Li Na is the team leader of the
  stamping workshop (W1); Zhang San is an operator there; Ma Jun is its
  maintenance fitter and Qian Li its electrician; Liu Qiang directs the
  workshop; Sun Hao is the safety officer; Zhou Lei is the leader in charge;
  Zhao Min is a third-party verifier.
* Globex: Chen Jie is the admin.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tests.support.worker import celery_worker  # noqa: E402,F401  (a session fixture)

PASSWORD = "Safe-Loop-2026!"
PIN = "2468"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from safeloop.platform.services import (
        SignupData,
        ensure_base_schema,
        ensure_public_tenant,
        provision_enterprise,
    )

    with django_db_blocker.unblock():
        ensure_public_tenant()
        ensure_base_schema()
        acme = provision_enterprise(
            SignupData(
                "Acme Metal Works",
                "acme",
                "metal",
                "Wang Wei",
                "wang@acme.test",
                PASSWORD,
                "zh-hans",
            )
        )
        globex = provision_enterprise(
            SignupData(
                "Globex Foods", "globex", "food", "Chen Jie", "chen@globex.test", PASSWORD, "en"
            )
        )
        with tenant_context(acme):
            _seed_acme_people()
        with tenant_context(globex):
            from safeloop.tenants.facilities.models import Person

            Person.objects.update(pin_hash=_pin_hash())
        connection.set_schema_to_public()


def _pin_hash() -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(PIN)


def _seed_acme_people() -> None:
    from safeloop.tenants.facilities.models import Area, JobRole, Person
    from safeloop.tenants.facilities.services import create_person

    wang = Person.objects.get(user__email="wang@acme.test")
    Person.objects.filter(pk=wang.pk).update(pin_hash=_pin_hash())
    workshop = Area.objects.filter(kind="workshop").order_by("code").first()
    team_leader_job = JobRole.objects.get(code="team_leader")
    operator_job = JobRole.objects.get(code="operator")
    li = create_person(
        by=wang.user,
        email="li@acme.test",
        full_name="Li Na",
        employee_no="E1001",
        password=PASSWORD,
        pin=PIN,
        roles=["team_leader"],
        area=workshop,
        job_role=team_leader_job,
    )
    create_person(
        by=wang.user,
        email="zhang@acme.test",
        full_name="Zhang San",
        employee_no="E1002",
        password=PASSWORD,
        pin=PIN,
        roles=["operator"],
        area=workshop,
        job_role=operator_job,
        superior=li,
    )
    create_person(
        by=wang.user,
        email="zhao@verify.test",
        full_name="Zhao Min",
        employee_no="V0001",
        password=PASSWORD,
        roles=["verifier"],
    )

    liu = create_person(
        by=wang.user,
        email="liu@acme.test",
        full_name="Liu Qiang",
        employee_no="D2001",
        password=PASSWORD,
        pin=PIN,
        roles=["workshop_director"],
        area=workshop,
        job_role=JobRole.objects.get(code="workshop_director"),
    )
    Person.objects.filter(pk=li.pk).update(superior=liu)
    first_area = Area.objects.filter(parent=workshop).order_by("code").first()
    create_person(
        by=wang.user,
        email="ma@acme.test",
        full_name="Ma Jun",
        employee_no="M3001",
        password=PASSWORD,
        pin=PIN,
        roles=["maintenance"],
        area=first_area,
        job_role=JobRole.objects.get(code="maintenance_fitter"),
        superior=li,
    )
    create_person(
        by=wang.user,
        email="qian@acme.test",
        full_name="Qian Li",
        employee_no="M3002",
        password=PASSWORD,
        pin=PIN,
        roles=["maintenance"],
        area=workshop,
        job_role=JobRole.objects.get(code="electrician"),
        superior=li,
    )
    create_person(
        by=wang.user,
        email="sun@acme.test",
        full_name="Sun Hao",
        employee_no="S4001",
        password=PASSWORD,
        pin=PIN,
        roles=["safety_officer"],
        job_role=JobRole.objects.get(code="safety_officer"),
    )
    create_person(
        by=wang.user,
        email="zhou@acme.test",
        full_name="Zhou Lei",
        employee_no="L0001",
        password=PASSWORD,
        pin=PIN,
        roles=["leader_in_charge"],
    )


@pytest.fixture(scope="session", autouse=True)
def _test_media_root(tmp_path_factory):
    """Uploaded files of the test run go to a temporary folder, not the dev state/."""
    from django.conf import settings
    from django.core.files.storage import default_storage, storages
    from django.utils.functional import empty

    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
    storages._storages = {}
    default_storage._wrapped = empty
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def _public_schema_between_tests():
    yield
    connection.set_schema_to_public()
    # A request in one test must not leave its language active for the next.
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def acme(db):
    from safeloop.platform.models import Enterprise

    return Enterprise.objects.get(slug="acme")


@pytest.fixture
def globex(db):
    from safeloop.platform.models import Enterprise

    return Enterprise.objects.get(slug="globex")


@pytest.fixture
def in_acme(acme):
    """Run the test body inside Acme's schema."""
    with tenant_context(acme):
        yield acme


@pytest.fixture
def in_globex(globex):
    with tenant_context(globex):
        yield globex


def _user(email: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.select_related("person").get(email=email)


ACME_PEOPLE = {
    "wang": "wang@acme.test",
    "li": "li@acme.test",
    "zhang": "zhang@acme.test",
    "zhao": "zhao@verify.test",
    "liu": "liu@acme.test",
    "ma": "ma@acme.test",
    "qian": "qian@acme.test",
    "sun": "sun@acme.test",
    "zhou": "zhou@acme.test",
}


def _person_fixture(email: str):
    @pytest.fixture
    def fixture(in_acme):
        return _user(email)

    return fixture


def _signed_in_fixture(name: str):
    @pytest.fixture
    def fixture(acme_client, request):
        acme_client.force_login(request.getfixturevalue(name))
        return acme_client

    return fixture


# Per named person: `wang` is the User (inside Acme's schema) and `as_wang` a test
# client signed in as him on acme.<base domain>.
for _name, _email in ACME_PEOPLE.items():
    globals()[_name] = _person_fixture(_email)
    globals()[f"as_{_name}"] = _signed_in_fixture(_name)


@pytest.fixture
def chen(globex):
    """Chen Jie, Globex's admin."""
    with tenant_context(globex):
        return _user("chen@globex.test")


@pytest.fixture
def as_chen(globex_client, chen, globex):
    with tenant_context(globex):
        globex_client.force_login(chen)
    return globex_client


@pytest.fixture
def acme_client(acme):
    """A test client speaking to acme.<base domain>."""
    from django.conf import settings
    from django.test import Client

    return Client(HTTP_HOST=f"acme.{settings.SAFELOOP_BASE_DOMAIN}")


@pytest.fixture
def globex_client(globex):
    from django.conf import settings
    from django.test import Client

    return Client(HTTP_HOST=f"globex.{settings.SAFELOOP_BASE_DOMAIN}")


@pytest.fixture
def public_client(db):
    from django.conf import settings
    from django.test import Client

    return Client(HTTP_HOST=settings.SAFELOOP_BASE_DOMAIN)
