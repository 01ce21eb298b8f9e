"""Site passes: issued when every requirement holds, suspended by itself when one
lapses (on the change, and by the daily scan for expiries), restored when it holds
again; revoked and blacklisted by a manager; judged at the gate."""

from __future__ import annotations

import base64
import io
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone, translation
from django_tenants.utils import tenant_context
from PIL import Image, ImageDraw

from safeloop.contractors import services
from safeloop.contractors.models import GateDirection, GateEvent, PassStatus, SitePass
from safeloop.learning.models import Certificate
from safeloop.tenants.audit.models import AuditEvent
from tests.learning._train_data import make_course, pass_course


def drawn_signature() -> str:
    """What the phone's signature box posts: a PNG data URL with a stroke drawn."""
    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(20, 90), (120, 30), (280, 80)], fill=(0, 0, 0, 255), width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


PNG_SIGNATURE = drawn_signature()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def roof(hengda, wang, liu, today):
    return services.create_project(
        hengda,
        by=wang,
        name="W1 屋面翻修",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=60),
        responsible=liu.person,
    )


@pytest.fixture
def induction_course(in_acme):
    return make_course("CW-IND", lessons=1, renewal_months=12)


@pytest.fixture
def rules(wang, induction_course, roof):
    services.add_requirement(by=wang, course=induction_course)
    services.add_requirement(by=wang, work_type="welder", certificate_kind="welding")
    return services.set_briefing(
        by=wang, title="动火作业安全交底", body="动火前必须办理动火作业票……"
    )


def _sign(worker, briefing):
    return services.sign_briefing(worker, briefing, signature=PNG_SIGNATURE, ip="10.0.0.9")


def _lacks(worker, **kw):
    return [lack.code for lack in services.evaluate(worker, **kw).lacks]


def test_a_pass_is_issued_only_when_every_requirement_holds(
    wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks
):
    assert _lacks(wu) == ["course_not_passed", "certificate_missing", "briefing_unsigned"]
    with django_capture_on_commit_callbacks(execute=True):
        services.add_certificate(
            wu,
            by=wang,
            kind="welding",
            number="T110105199001011232",
            issuer="北京市应急管理局",
            valid_until=today + timedelta(days=7),
        )
        person = services.ensure_person(wu)
        pass_course(person, induction_course)
    assert not SitePass.objects.filter(worker=wu).exists()
    with django_capture_on_commit_callbacks(execute=True):
        _sign(wu, rules)
    site_pass = SitePass.objects.get(worker=wu)
    assert site_pass.status == PassStatus.ACTIVE
    # The earliest expiry: the welding certificate's, not the project's or the exam's.
    assert site_pass.valid_until == today + timedelta(days=7)
    assert AuditEvent.objects.filter(verb="contractors.pass_issued").exists()


def _ready(wu, wang, rules, course, today, capture, *, cert_days=7):
    with capture(execute=True):
        services.add_certificate(
            wu,
            by=wang,
            kind="welding",
            number="T110105199001011232",
            issuer="北京市应急管理局",
            valid_until=today + timedelta(days=cert_days),
        )
        pass_course(services.ensure_person(wu), course)
        _sign(wu, rules)
    return SitePass.objects.get(worker=wu)


def test_past_the_welding_certificates_expiry_the_gate_shows_red_and_the_scan_suspends(
    wu, wang, sun, rules, induction_course, today, django_capture_on_commit_callbacks
):
    site_pass = _ready(wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks)
    assert services.judge(site_pass.token).allowed
    later = today + timedelta(days=8)
    with translation.override("zh-hans"):
        verdict = services.judge(site_pass.token, today=later)
    assert not verdict.allowed
    assert "焊工证已过期" in verdict.reasons[0]
    with translation.override("en"):
        assert (
            "Welder's certificate expired on"
            in services.judge(site_pass.token, today=later).reasons[0]
        )
    site_pass.refresh_from_db()
    assert site_pass.status == PassStatus.SUSPENDED and "焊工证已过期" in site_pass.reason


def test_the_daily_scan_suspends_only_passes_whose_validity_ended(
    wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks
):
    _ready(wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks)
    assert services.scan_expired(today=today + timedelta(days=3)).checked == 0
    result = services.scan_expired(today=today + timedelta(days=8))
    assert (result.checked, result.suspended) == (1, 1)
    assert SitePass.objects.get(worker=wu).status == PassStatus.SUSPENDED
    # One audit event for the scan's chunk, naming the pass and its reason.
    scanned = AuditEvent.objects.get(verb="contractors.passes_scanned")
    number = SitePass.objects.get(worker=wu).number
    assert scanned.data["suspended_count"] == 1 and scanned.data["suspended"] == [number]
    assert "焊工证已过期" in scanned.data["reasons"][number]
    assert not AuditEvent.objects.filter(
        verb="contractors.pass_suspended", data__source="scan"
    ).exists()
    # Replaying the scan suspends nothing twice.
    assert services.scan_expired(today=today + timedelta(days=8)).checked == 0
    assert AuditEvent.objects.filter(verb="contractors.passes_scanned").count() == 1


def test_the_pass_number_is_the_workers_so_two_issues_never_clash(
    wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks
):
    site_pass = _ready(wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks)
    assert site_pass.number == f"SP{wu.pk:06d}"


def test_renewing_the_certificate_restores_a_suspended_pass(
    wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks
):
    _ready(wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.blacklist_worker(wu, by=wang, reason="无证动火")
    site_pass = SitePass.objects.get(worker=wu)
    assert site_pass.status == PassStatus.SUSPENDED
    assert not services.judge(site_pass.token).allowed
    services.unblacklist_worker(wu, by=wang)
    assert SitePass.objects.get(worker=wu).status == PassStatus.ACTIVE


def test_a_revoked_pass_stays_red_whatever_changes(
    wu, wang, zhang, rules, induction_course, today, django_capture_on_commit_callbacks
):
    site_pass = _ready(wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.revoke_pass(site_pass, by=zhang, reason="x")
    services.revoke_pass(site_pass, by=wang, reason="违章作业")
    with django_capture_on_commit_callbacks(execute=True):
        _sign(wu, rules)
    verdict = services.judge(site_pass.token)
    assert not verdict.allowed and "违章作业" in verdict.reasons[0]
    assert services.reinstate_pass(site_pass, by=wang).status == PassStatus.ACTIVE


def test_a_revoked_training_certificate_suspends_the_pass(
    wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks
):
    _ready(wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks)
    wu.refresh_from_db()
    certificate = Certificate.objects.get(person=wu.person)
    with django_capture_on_commit_callbacks(execute=True):
        certificate.revoked_at = timezone.now()
        certificate.save()
    assert SitePass.objects.get(worker=wu).status == PassStatus.SUSPENDED


def test_the_guard_logs_entries_and_exits_and_the_headcount_follows(
    wu, wang, sun, zhang, rules, induction_course, today, django_capture_on_commit_callbacks
):
    site_pass = _ready(wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.check(site_pass.token, by=zhang)
    assert services.check(site_pass.token, by=sun, direction=GateDirection.IN).allowed
    [count] = services.on_site(by=sun)
    assert (count.company, count.count) == ("恒达建设有限公司", 1)
    services.check(site_pass.token, by=sun, direction=GateDirection.OUT)
    assert services.on_site(by=sun) == []
    assert GateEvent.objects.filter(worker=wu).count() == 2
    refused = services.check("forged-token", by=sun)
    assert not refused.allowed and GateEvent.objects.filter(allowed=False).count() == 1


def test_another_enterprises_pass_never_verifies_here(
    wu, wang, rules, induction_course, today, globex, django_capture_on_commit_callbacks
):
    site_pass = _ready(wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks)
    with tenant_context(globex):
        verdict = services.judge(site_pass.token)
        assert not verdict.allowed and verdict.worker is None
    assert connection.schema_name == "acme"


def test_evaluating_many_workers_takes_a_fixed_number_of_queries(
    wu, wang, hengda, rules, django_assert_max_num_queries
):
    from tests.contractors.conftest import consent

    workers = [wu]
    for n in range(5):
        number = f"11010519900101{n:03d}"
        # A valid check digit for each made-up number.
        from safeloop.contractors.validators import id_check_char

        number = number + id_check_char(number)
        workers.append(
            services.register_worker(
                hengda, by=wang, name=f"工人{n}", id_number_value=number, consent=consent()
            ).worker
        )
    with django_assert_max_num_queries(8):
        judged = services.evaluate_many(workers)
    assert len(judged) == 6


def test_a_blank_signature_box_is_refused_and_nothing_is_saved(wu, rules):
    blank = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    out = io.BytesIO()
    blank.save(out, "PNG")
    with pytest.raises(ValidationError) as caught:
        services.sign_briefing(
            wu,
            rules,
            signature="data:image/png;base64," + base64.b64encode(out.getvalue()).decode(),
        )
    assert "signature" in caught.value.message_dict
    assert not wu.signatures.exists()


def _another_welder(hengda, wang, n: int):
    from safeloop.contractors.validators import id_check_char
    from tests.contractors.conftest import consent

    id17 = f"11010519850202{n:03d}"
    return services.register_worker(
        hengda,
        by=wang,
        name=f"焊工{n}",
        id_number_value=id17 + id_check_char(id17),
        consent=consent(),
        work_types=["welder"],
    ).worker


def test_the_daily_scan_takes_as_many_queries_for_two_lapsed_passes_as_for_one(
    hengda, wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks
):
    from django.test.utils import CaptureQueriesContext

    capture = django_capture_on_commit_callbacks
    _ready(wu, wang, rules, induction_course, today, capture, cert_days=7)
    second = _another_welder(hengda, wang, 2)
    _ready(second, wang, rules, induction_course, today, capture, cert_days=7)
    third = _another_welder(hengda, wang, 3)
    _ready(third, wang, rules, induction_course, today, capture, cert_days=20)

    with CaptureQueriesContext(connection) as two:
        assert services.scan_expired(today=today + timedelta(days=8)).suspended == 2
    with CaptureQueriesContext(connection) as one:
        assert services.scan_expired(today=today + timedelta(days=21)).suspended == 1

    assert len(two.captured_queries) == len(one.captured_queries)
    assert AuditEvent.objects.filter(verb="contractors.passes_scanned").count() == 2
