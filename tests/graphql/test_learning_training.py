# ruff: noqa: F811  (fixtures imported from tests/learning/_train_data.py)
"""Training records through the API: Zhang San reads his courses and certificates, Sun
Hao (safety officer) reads anyone's archive and revokes, Wang Wei keeps packs; list
query counts do not grow with the rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context
from strawberry import relay

from safeloop.learning.models import Assignment, Certificate, CoursePack
from tests.graphql.conftest import run
from tests.graphql.test_query_counts import PER_REQUEST
from tests.learning._train_data import (  # noqa: F401  (fixtures)
    course_a,
    course_b,
    make_course,
    operator_pack,
    pass_course,
)

pytestmark = pytest.mark.django_db

MY_ASSIGNMENTS = """
query { myAssignments { id status courseCode dueOn lessonsDone lessonsTotal percent url } }
"""
MY_CERTIFICATES = """
query { myCertificates { id number courseCode status validUntil verifyUrl pdfUrl } }
"""
ARCHIVE = """
query($id: ID!) { trainingArchive(personId: $id) {
  name hours coursesDone attempts { courseCode score passed } certificates { number status }
} }
"""
STATS = """
query { trainingCompletionStats { total { onRoll finished percent }
  byWorkshop { label percent } overdue { name courses } } }
"""
PACKS = "query { coursePacks { code courseCodes jobRoleCodes dueDays } }"
SAVE_PACK = """
mutation($input: SavePackInput!) { savePack(input: $input) {
  pack { id code courseCodes jobRoleCodes } errors { field code message } } }
"""
REVOKE = """
mutation($input: RevokeCertificateInput!) { revokeCertificate(input: $input) {
  certificate { number status revokeReason } errors { field code } } }
"""


def _person_id(person) -> str:
    return str(relay.GlobalID("Person", f"{connection.schema_name}.{person.pk}"))


def _count(client, query, variables=None) -> tuple[dict, int]:
    """The data, and the queries of the whole request (the test's first: its tenant
    routing included), ``SET search_path`` not counted, as tests/graphql/ counts."""
    with CaptureQueriesContext(connection) as ctx:
        data = run(client, query, variables)
    return data, len([q for q in ctx.captured_queries if not q["sql"].startswith("SET ")])


def test_my_assignments_and_certificates(as_zhang, wang, zhang, course_a, course_b):
    operator_pack(wang, [course_a, course_b])
    cert = pass_course(zhang.person, course_b).certificate

    assignments = run(as_zhang, MY_ASSIGNMENTS)["myAssignments"]
    certificates = run(as_zhang, MY_CERTIFICATES)["myCertificates"]

    assert [(a["courseCode"], a["status"]) for a in assignments] == [
        ("SAFE-A", "required"),
        ("SAFE-B", "done"),
    ]
    assert certificates[0]["number"] == cert.number and certificates[0]["status"] == "valid"
    assert certificates[0]["verifyUrl"].endswith(f"/v/{cert.token}/")


@pytest.mark.parametrize("rows", [5, 50])
def test_my_assignments_take_a_fixed_number_of_queries(as_zhang, wang, zhang, rows):
    operator_pack(wang, [make_course(f"G-{n}", lessons=1) for n in range(rows)])

    data, queries = _count(as_zhang, MY_ASSIGNMENTS)

    assert len(data["myAssignments"]) == rows
    # the assignments with their courses, lesson counts and certificates: one query
    assert queries == PER_REQUEST + 1


@pytest.mark.parametrize("rows", [1, 6])
def test_my_certificates_take_a_fixed_number_of_queries(as_zhang, zhang, rows):
    for n in range(rows):
        pass_course(zhang.person, make_course(f"C-{n}", lessons=0))

    data, queries = _count(as_zhang, MY_CERTIFICATES)

    assert len(data["myCertificates"]) == rows
    # certificates with their person, user and course
    assert queries == PER_REQUEST + 1


@pytest.mark.parametrize("rows", [1, 4])
def test_course_packs_take_a_fixed_number_of_queries(as_wang, wang, course_a, course_b, rows):
    for n in range(rows):
        operator_pack(wang, [course_a, course_b], code=f"P{n}")

    data, queries = _count(as_wang, PACKS)

    assert len(data["coursePacks"]) == rows
    # packs, their items, the items' courses, job roles, areas, people
    assert queries == PER_REQUEST + 6


def test_the_safety_officer_reads_an_archive_a_worker_reads_only_his_own(
    as_sun, zhang, ma, course_a, acme_client
):
    pass_course(zhang.person, course_a, score=60)
    pass_course(zhang.person, course_a, score=90)

    archive = run(as_sun, ARCHIVE, {"id": _person_id(zhang.person)})["trainingArchive"]

    assert archive["name"] == "Zhang San"
    assert [a["score"] for a in archive["attempts"]] == [90, 60]
    acme_client.force_login(ma)
    assert run(acme_client, ARCHIVE, {"id": _person_id(zhang.person)})["trainingArchive"] is None


def test_completion_stats_for_managers_only(as_sun, wang, zhang, course_a, acme_client):
    operator_pack(wang, [course_a])
    Assignment.objects.filter(person=zhang.person).update(due_on="2020-01-01")

    stats = run(as_sun, STATS)["trainingCompletionStats"]

    assert [o["name"] for o in stats["overdue"]] == ["Zhang San"]
    assert stats["total"]["finished"] < stats["total"]["onRoll"]
    acme_client.force_login(zhang)
    assert run(acme_client, STATS)["trainingCompletionStats"] is None


def test_save_pack_creates_and_assigns_then_lists(as_wang, zhang, course_a, course_b):
    data = run(
        as_wang,
        SAVE_PACK,
        {
            "input": {
                "code": "OPS",
                "name": "操作工必修",
                "courseCodes": ["SAFE-A", "SAFE-B"],
                "jobRoleCodes": ["operator"],
                "dueDays": 14,
            }
        },
    )["savePack"]

    assert data["errors"] == [] and data["pack"]["courseCodes"] == ["SAFE-A", "SAFE-B"]
    assert Assignment.objects.filter(person=zhang.person).count() == 2
    assert [p["code"] for p in run(as_wang, PACKS)["coursePacks"]] == ["OPS"]


def test_save_pack_refuses_unknown_codes_bad_input_and_workers(
    as_wang, course_a, acme_client, zhang
):
    unknown = run(
        as_wang,
        SAVE_PACK,
        {"input": {"code": "OPS", "name": "x", "courseCodes": ["NOPE"]}},
    )["savePack"]
    bad = run(
        as_wang,
        SAVE_PACK,
        {"input": {"code": "OPS", "name": "x", "courseCodes": ["SAFE-A"], "dueDays": 0}},
    )["savePack"]
    acme_client.force_login(zhang)
    denied = run(
        acme_client, SAVE_PACK, {"input": {"code": "OPS", "name": "x", "courseCodes": ["SAFE-A"]}}
    )["savePack"]

    assert unknown["errors"][0]["field"] == "courseCodes"
    assert bad["errors"][0]["field"] == "dueDays"
    assert denied["errors"][0]["code"] == "permission_denied"
    assert not CoursePack.objects.exists()


def test_revoke_certificate_needs_the_permission_and_another_tenants_id_is_not_found(
    as_sun, zhang, course_a, globex, as_chen
):
    cert = pass_course(zhang.person, course_a).certificate
    gid = str(relay.GlobalID("TrainingCertificate", f"{connection.schema_name}.{cert.pk}"))

    with tenant_context(globex):
        foreign = run(as_chen, REVOKE, {"input": {"id": gid, "reason": "x"}})["revokeCertificate"]
    done = run(as_sun, REVOKE, {"input": {"id": gid, "reason": "代考"}})["revokeCertificate"]

    assert foreign["errors"][0]["code"] == "not_found"
    assert done["certificate"]["status"] == "revoked"
    assert Certificate.objects.get(pk=cert.pk).revoke_reason == "代考"


def test_a_worker_cannot_revoke_through_the_api(zhang, course_a, as_zhang):
    cert = pass_course(zhang.person, course_a).certificate
    gid = str(relay.GlobalID("TrainingCertificate", f"{connection.schema_name}.{cert.pk}"))

    result = run(as_zhang, REVOKE, {"input": {"id": gid, "reason": "x"}})["revokeCertificate"]

    assert result["errors"][0]["code"] == "permission_denied"
    assert Certificate.objects.get(pk=cert.pk).revoked_at is None
