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

import uuid

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from tests.support.worker import celery_worker  # noqa: E402,F401  (a session fixture)
from tests.support.xdist_env import isolate_this_worker

isolate_this_worker()

PASSWORD = "Safe-Loop-2026!"
PIN = "2468"


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_modify_db_settings,
    _test_media_root,
):
    """The test database of this process: cloned from the seeded copy this code's first
    test process kept (tests/support/dbtemplate.py), or migrated and seeded here."""
    from django.test.utils import setup_databases

    from tests.support.dbtemplate import seeded_database

    def build():
        config = setup_databases(
            verbosity=0, interactive=False, aliases={"default"}, serialized_aliases=set()
        )
        _seed()
        return config

    with django_db_blocker.unblock():
        teardown = seeded_database(build, _test_media_root)
    yield
    with django_db_blocker.unblock():
        teardown()


def _seed() -> None:
    """Public schema, base schema, Acme and Globex with the people the tests name."""
    from safeloop.platform.services import (
        SignupData,
        ensure_base_schema,
        ensure_public_tenant,
        provision_enterprise,
    )

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
        SignupData("Globex Foods", "globex", "food", "Chen Jie", "chen@globex.test", PASSWORD, "en")
    )
    with tenant_context(acme):
        _without_template_learning()
        _seed_acme_people()
    with tenant_context(globex):
        from safeloop.tenants.facilities.models import Person

        Person.objects.update(pin_hash=_pin_hash())
    connection.set_schema_to_public()


def _without_template_learning() -> None:
    """Acme's training starts empty: the learning tests make exactly the courses, packs
    and questions they assert on. (The metal template's own courses are applied and
    checked in tests/learning/test_template_section.py and by the demo's tests;
    Globex keeps the food template's, so isolation tests see another tenant's.)"""
    from safeloop.learning.models import (
        Assignment,
        CoursePack,
        CoursePage,
        Question,
        QuestionCategory,
        Quiz,
    )

    Assignment.objects.all().delete()
    CoursePack.objects.all().delete()
    Quiz.objects.all().delete()
    Question.objects.all().delete()
    QuestionCategory.objects.all().delete()
    CoursePage.objects.all().delete()


def _pin_hash() -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(PIN)


# Acme's people after its admin: (email, name, employee no., roles, where, job, superior).
# "W1" is the stamping workshop, "W1-A" its first area; superiors are earlier rows.
ACME_STAFF = [
    ("li@acme.test", "Li Na", "E1001", ["team_leader"], "W1", "team_leader", None),
    ("zhang@acme.test", "Zhang San", "E1002", ["operator"], "W1", "operator", "E1001"),
    ("zhao@verify.test", "Zhao Min", "V0001", ["verifier"], None, None, None),
    ("liu@acme.test", "Liu Qiang", "D2001", ["workshop_director"], "W1", "workshop_director", None),
    ("ma@acme.test", "Ma Jun", "M3001", ["maintenance"], "W1-A", "maintenance_fitter", "E1001"),
    ("qian@acme.test", "Qian Li", "M3002", ["maintenance"], "W1", "electrician", "E1001"),
    ("sun@acme.test", "Sun Hao", "S4001", ["safety_officer"], None, "safety_officer", None),
    ("zhou@acme.test", "Zhou Lei", "L0001", ["leader_in_charge"], None, None, None),
    ("he@acme.test", "He Jun", "P0001", ["principal"], None, None, None),
]


def _seed_acme_people() -> None:
    from safeloop.tenants.facilities.models import Area, JobRole, Person
    from safeloop.tenants.facilities.services import create_person

    wang = Person.objects.get(user__email="wang@acme.test")
    Person.objects.filter(pk=wang.pk).update(pin_hash=_pin_hash())
    workshop = Area.objects.filter(kind="workshop").order_by("code").first()
    places = {
        "W1": workshop,
        "W1-A": Area.objects.filter(parent=workshop).order_by("code").first(),
        None: None,
    }
    people = {}
    for email, name, number, roles, where, job, superior in ACME_STAFF:
        people[number] = create_person(
            by=wang.user,
            email=email,
            full_name=name,
            employee_no=number,
            password=PASSWORD,
            pin=None if "verifier" in roles else PIN,
            roles=roles,
            area=places[where],
            job_role=JobRole.objects.get(code=job) if job else None,
            superior=people.get(superior),
        )
    # Li reports to the workshop director, who is added after her.
    Person.objects.filter(pk=people["E1001"].pk).update(superior=people["D2001"])


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
def _fresh_throttles(settings):
    """Each test starts with nothing counted: throttle counters live in Redis, which
    outlives a test (and a run), and every test client comes from 127.0.0.1."""
    settings.RATELIMIT_CACHE_PREFIX = f"rl-test-{uuid.uuid4().hex}:"
    # Nor cached unread counts of people whose notifications the last test rolled back.
    settings.SAFELOOP_UNREAD_CACHE_PREFIX = f"unread-test-{uuid.uuid4().hex}:"


@pytest.fixture(autouse=True)
def _production_caching(settings):
    """Sessions and the unread badge cached as production (with Redis) caches them, so
    pinned query counts are the same in CI (Redis) and in the embedded run (LocMem,
    which behaves alike within this one process)."""
    settings.SESSION_ENGINE = "safeloop.platform.sessions"
    settings.SAFELOOP_UNREAD_CACHE_SECONDS = 60


@pytest.fixture(autouse=True)
def _fresh_host_routing():
    """A host the last test created and rolled back is not remembered by this process."""
    from safeloop.platform.routing import forget_hosts

    forget_hosts()


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


# Per named person: `wang` is the User (inside Acme's schema) and `as_wang` a test
# client signed in as him on acme.<base domain>.


@pytest.fixture
def wang(in_acme):
    """Wang Wei, Acme's enterprise admin."""
    return _user("wang@acme.test")


@pytest.fixture
def as_wang(acme_client, wang):
    acme_client.force_login(wang)
    return acme_client


@pytest.fixture
def li(in_acme):
    """Li Na, team leader of the stamping workshop (W1)."""
    return _user("li@acme.test")


@pytest.fixture
def as_li(acme_client, li):
    acme_client.force_login(li)
    return acme_client


@pytest.fixture
def zhang(in_acme):
    """Zhang San, an operator in W1."""
    return _user("zhang@acme.test")


@pytest.fixture
def as_zhang(acme_client, zhang):
    acme_client.force_login(zhang)
    return acme_client


@pytest.fixture
def zhao(in_acme):
    """Zhao Min, a third-party verifier."""
    return _user("zhao@verify.test")


@pytest.fixture
def as_zhao(acme_client, zhao):
    acme_client.force_login(zhao)
    return acme_client


@pytest.fixture
def liu(in_acme):
    """Liu Qiang, director of W1."""
    return _user("liu@acme.test")


@pytest.fixture
def as_liu(acme_client, liu):
    acme_client.force_login(liu)
    return acme_client


@pytest.fixture
def ma(in_acme):
    """Ma Jun, W1's maintenance fitter."""
    return _user("ma@acme.test")


@pytest.fixture
def as_ma(acme_client, ma):
    acme_client.force_login(ma)
    return acme_client


@pytest.fixture
def qian(in_acme):
    """Qian Li, W1's electrician."""
    return _user("qian@acme.test")


@pytest.fixture
def as_qian(acme_client, qian):
    acme_client.force_login(qian)
    return acme_client


@pytest.fixture
def sun(in_acme):
    """Sun Hao, the safety officer."""
    return _user("sun@acme.test")


@pytest.fixture
def as_sun(acme_client, sun):
    acme_client.force_login(sun)
    return acme_client


@pytest.fixture
def zhou(in_acme):
    """Zhou Lei, the leader in charge."""
    return _user("zhou@acme.test")


@pytest.fixture
def as_zhou(acme_client, zhou):
    acme_client.force_login(zhou)
    return acme_client


@pytest.fixture
def he(in_acme):
    """He Jun, the principal (主要负责人): approves a major hazard's plan and signs it off."""
    return _user("he@acme.test")


@pytest.fixture
def as_he(acme_client, he):
    acme_client.force_login(he)
    return acme_client


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
