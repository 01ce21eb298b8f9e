"""The site-pass pages: Wu Gang (Hengda's welder) holds a pass; Gao Feng guards Acme's
main gate and checks it on his phone; Wang Wei (admin) revokes and blacklists from the
pass list; Sun Hao (safety officer) may look at the list but decide nothing; Zhang San
(an operator) may open none of it. Globex's passes never turn green at Acme's gate."""

from __future__ import annotations

import base64
import re
import zlib
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.contractors import services
from safeloop.contractors.models import (
    GateDirection,
    GateEvent,
    PassStatus,
    SitePass,
    SpecialCertificate,
)
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.models import Area, AreaKind
from tests.contractors.conftest import PNG_1PX, WU_ID, consent

CHECK = reverse("contractors:gate_check", urlconf="safeloop.platform.urls_tenant")
ONSITE = reverse("contractors:onsite", urlconf="safeloop.platform.urls_tenant")
PASSES = reverse("contractors:passes", urlconf="safeloop.platform.urls_tenant")


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def gate(in_acme):
    """Acme's main gate (its first site)."""
    return Area.objects.filter(kind=AreaKind.SITE).order_by("code").first()


@pytest.fixture
def gao(wang):
    """Gao Feng, the guard at the main gate: he checks passes and nothing else."""
    from safeloop.tenants.facilities.services import create_person

    return create_person(
        by=wang,
        email="gao@acme.test",
        full_name="Gao Feng",
        employee_no="G5001",
        password="Safe-Loop-2026!",
        roles=["gate_guard"],
    ).user


@pytest.fixture
def as_gao(acme_client, gao):
    acme_client.force_login(gao)
    return acme_client


@pytest.fixture
def wu_pass(hengda, wu, wang, today, django_capture_on_commit_callbacks):
    """Hengda re-roofs W1 this month; welders need a valid welding certificate. Wu's is
    valid for a week, so he holds a pass."""
    services.create_project(
        hengda,
        by=wang,
        name="W1 屋面翻修",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=60),
        responsible=wang.person,
    )
    services.add_requirement(by=wang, work_type="welder", certificate_kind="welding")
    wu.photo.save("wu.png", SimpleUploadedFile("wu.png", PNG_1PX), save=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_certificate(
            wu,
            by=wang,
            kind="welding",
            number="T110105199001011232",
            issuer="北京市应急管理局",
            valid_until=today + timedelta(days=7),
        )
    services.refresh_pass(wu)
    site_pass = SitePass.objects.get(worker=wu)
    assert site_pass.status == PassStatus.ACTIVE
    return site_pass


def _pass_url(site_pass) -> str:
    """What the QR code holds: the pass page on Acme's host."""
    return f"http://acme.{settings.SAFELOOP_BASE_DOMAIN}{site_pass.get_absolute_url()}"


def _check(client, code, *, gate=None, direction="in"):
    response = client.post(
        CHECK, {"code": code, "gate": gate.pk if gate else "", "direction": direction}
    )
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def _verdict(page: str) -> str:
    match = re.search(r'data-testid="verdict" data-allowed="(true|false)"', page)
    assert match, page
    return match.group(1)


def _headline(page: str) -> str:
    match = re.search(r'data-testid="verdict-headline">(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).replace("✓", "").replace("✕", "").strip()


# --- The holder's pass ------------------------------------------------------------


def test_wus_pass_page_shows_his_card_and_a_qr_of_the_pass_url(acme_client, wu_pass):
    page = acme_client.get(wu_pass.get_absolute_url()).content.decode()
    assert 'data-status="active"' in page
    assert "吴刚" in page and "恒达建设有限公司" in page and wu_pass.number in page
    assert "焊工" in page  # his work type
    assert reverse("portal:pass_card", args=[wu_pass.token]) in page
    photo = acme_client.get(reverse("portal:pass_photo", args=[wu_pass.token]))
    assert photo.status_code == 200 and b"".join(photo.streaming_content) == PNG_1PX
    # The full ID number is nowhere, masked or not it is not the pass's business.
    assert WU_ID not in page


def test_a_revoked_pass_page_says_so_with_the_reason(acme_client, wu_pass, wang):
    services.revoke_pass(wu_pass, by=wang, reason="违章动火作业")
    page = acme_client.get(wu_pass.get_absolute_url()).content.decode()
    assert 'data-status="revoked"' in page
    assert "已收回" in page and "违章动火作业" in page


def test_another_tenants_or_a_forged_token_is_not_found(acme_client, globex_client, wu_pass):
    assert acme_client.get(reverse("portal:pass", args=["forged-token-123"])).status_code == 404
    for path in (
        reverse("portal:pass", args=[wu_pass.token]),
        reverse("portal:pass_card", args=[wu_pass.token]),
        reverse("portal:pass_photo", args=[wu_pass.token]),
    ):
        assert globex_client.get(path).status_code == 404


def test_the_printable_card_is_a_pdf_with_the_pass_number(acme_client, wu_pass):
    response = acme_client.get(reverse("portal:pass_card", args=[wu_pass.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    # ID-1 card size: 85.6 × 54 mm in points.
    assert b"/MediaBox [ 0 0 242.6457 153.0142 ]" in pdf
    text = b"".join(_inflated(pdf))
    assert f"({wu_pass.number})".encode() in text
    assert WU_ID.encode() not in pdf + text


def _inflated(pdf: bytes) -> list[bytes]:
    """The page content streams as reportlab writes them (ASCII85, then Flate)."""
    streams = []
    for match in re.finditer(
        rb"/Filter \[ /ASCII85Decode /FlateDecode \] /Length (\d+)\s*>>\s*stream\r?\n", pdf
    ):
        raw = pdf[match.end() : match.end() + int(match.group(1))]
        streams.append(zlib.decompress(base64.a85decode(raw.removesuffix(b"~>"))))
    return streams


# --- The guard's check ------------------------------------------------------------


def test_the_guard_scans_a_valid_pass_green_in_chinese(as_gao, wu_pass, gate):
    page = _check(as_gao, _pass_url(wu_pass), gate=gate)
    assert _verdict(page) == "true"
    assert _headline(page) == "可以进入"
    assert "吴刚" in page and "恒达建设有限公司" in page
    assert reverse("contractors:gate_photo", args=[wu_pass.pk]) in page
    assert as_gao.get(reverse("contractors:gate_photo", args=[wu_pass.pk])).status_code == 200
    assert WU_ID not in page
    event = GateEvent.objects.get()
    assert (event.allowed, event.direction, event.gate, event.worker) == (
        True,
        GateDirection.IN,
        gate,
        wu_pass.worker,
    )


def test_the_verdict_in_english(as_gao, wu_pass, gate):
    as_gao.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = _check(as_gao, wu_pass.number, gate=gate)
    assert _headline(page) == "Allowed"


def test_a_lapsed_welding_certificate_is_red_with_its_expiry(as_gao, wu_pass, today):
    # A week later: the certificate ran out yesterday.
    expired = today - timedelta(days=1)
    SpecialCertificate.objects.filter(worker=wu_pass.worker).update(valid_until=expired)
    page = _check(as_gao, _pass_url(wu_pass))
    assert _verdict(page) == "false"
    assert _headline(page) == "禁止进入"
    assert f"焊工证已过期（{expired.isoformat()} 到期）" in page
    assert "吴刚" in page
    assert GateEvent.objects.get().allowed is False


def test_the_guard_finds_a_pass_by_its_number(as_gao, wu_pass):
    page = _check(as_gao, wu_pass.number.lower())
    assert _verdict(page) == "true" and "吴刚" in page


def test_a_revoked_pass_is_red_with_the_managers_reason(as_gao, wu_pass, wang):
    services.revoke_pass(wu_pass, by=wang, reason="违章动火作业")
    page = _check(as_gao, _pass_url(wu_pass))
    assert _verdict(page) == "false"
    assert "出入证已收回：违章动火作业" in page


def test_a_forged_token_is_red(as_gao, wu_pass):
    for code in (
        f"http://acme.{settings.SAFELOOP_BASE_DOMAIN}/p/pass/forged-token-123/",
        "SP999999",
        "not a pass",
    ):
        page = _check(as_gao, code)
        assert _verdict(page) == "false"
        assert "不是本厂区有效的出入证" in page
    assert GateEvent.objects.filter(allowed=False).count() == 3
    assert not GateEvent.objects.filter(allowed=True).exists()


def test_a_url_of_another_tenants_host_is_red_even_with_a_token_valid_here(as_gao, wu_pass):
    # Acme's own token behind Globex's host: not a pass of this gate.
    foreign = f"http://globex.{settings.SAFELOOP_BASE_DOMAIN}{wu_pass.get_absolute_url()}"
    page = _check(as_gao, foreign)
    assert _verdict(page) == "false"
    assert "不是本厂区有效的出入证" in page


def test_a_pass_of_globex_is_red_at_acmes_gate(as_gao, wu_pass, globex):
    with tenant_context(globex):
        from django.contrib.auth import get_user_model

        chen = get_user_model().objects.get(email="chen@globex.test")
        company = services.create_company(
            by=chen, name="Globex Contracting", credit_code="91440300708461136T"
        )
        worker = services.register_worker(
            company, by=chen, name="Lee", id_number_value=WU_ID, consent=consent()
        ).worker
        services.create_project(
            company,
            by=chen,
            name="Cold store",
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + timedelta(days=9),
            responsible=chen.person,
        )
        services.refresh_pass(worker)
        theirs = SitePass.objects.get(worker=worker)
        url = f"http://globex.{settings.SAFELOOP_BASE_DOMAIN}{theirs.get_absolute_url()}"
    for code in (url, theirs.token, f"/p/pass/{theirs.token}/"):
        page = _check(as_gao, code)
        assert _verdict(page) == "false", code
        assert "Lee" not in page


def test_entries_and_exits_are_logged_and_counted_on_site(as_gao, wu_pass, gate):
    _check(as_gao, _pass_url(wu_pass), gate=gate, direction="in")
    page = as_gao.get(ONSITE).content.decode()
    assert "承包商在场 1 人" in page
    assert "吴刚" in page and "恒达建设有限公司" in page and gate.display_name in page
    counts = re.findall(r'data-testid="onsite-count"><strong>(\d+)</strong>', page)
    assert counts == ["1"]
    assert WU_ID not in page
    exit_page = _check(as_gao, _pass_url(wu_pass), gate=gate, direction="out")
    assert _headline(exit_page) == "可以离开"
    page = as_gao.get(ONSITE).content.decode()
    assert "目前没有承包商人员在场" in page
    assert list(GateEvent.objects.order_by("at", "id").values_list("direction", "allowed")) == [
        ("in", True),
        ("out", True),
    ]


def test_the_guard_keeps_his_gate_and_direction_for_the_next_check(as_gao, wu_pass, gate):
    _check(as_gao, wu_pass.number, gate=gate, direction="out")
    page = as_gao.get(CHECK).content.decode()
    assert re.search(rf'<option value="{gate.pk}" selected>', page)
    assert re.search(r'value="out"[^>]*checked', page)


def test_reloading_the_verdict_logs_nothing_more(as_gao, wu_pass):
    response = as_gao.post(CHECK, {"code": wu_pass.number, "direction": "in"})
    as_gao.get(response["Location"])
    as_gao.get(response["Location"])
    assert GateEvent.objects.count() == 1


def test_who_may_open_the_gate_pages(acme_client, zhang, gao, sun, wang, wu_pass):
    acme_client.force_login(zhang)
    for path in (CHECK, ONSITE, PASSES):
        assert acme_client.get(path).status_code == 403, path
    assert acme_client.post(CHECK, {"code": wu_pass.number, "direction": "in"}).status_code == 403
    assert not GateEvent.objects.exists()
    acme_client.force_login(gao)
    assert acme_client.get(CHECK).status_code == 200
    assert acme_client.get(ONSITE).status_code == 200
    # A guard checks passes; he does not manage them.
    assert acme_client.get(PASSES).status_code == 403
    revoke = reverse("contractors:pass_revoke", args=[wu_pass.pk])
    assert acme_client.post(revoke, {"reason": "x"}).status_code == 403
    # The nav shows him the gate check.
    assert 'data-testid="nav-gate_check"' in acme_client.get(CHECK).content.decode()


def test_signed_out_the_check_page_asks_for_sign_in(acme_client, in_acme):
    response = acme_client.get(CHECK)
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


# --- The managers' list -----------------------------------------------------------


def test_the_pass_list_filters_by_status_company_and_search(as_wang, wu_pass, hengda, wang):
    page = as_wang.get(PASSES).content.decode()
    assert wu_pass.number in page and "吴刚" in page
    assert wu_pass.number in as_wang.get(PASSES, {"q": "吴"}).content.decode()
    assert wu_pass.number in as_wang.get(PASSES, {"q": wu_pass.number}).content.decode()
    assert wu_pass.number not in as_wang.get(PASSES, {"q": "李"}).content.decode()
    assert wu_pass.number in as_wang.get(PASSES, {"status": "active"}).content.decode()
    assert wu_pass.number not in as_wang.get(PASSES, {"status": "revoked"}).content.decode()
    assert wu_pass.number in as_wang.get(PASSES, {"company": hengda.pk}).content.decode()
    assert WU_ID not in page


def test_the_manager_revokes_with_a_reason_and_the_gate_turns_red(
    as_wang, wu_pass, gao, acme_client
):
    revoke = reverse("contractors:pass_revoke", args=[wu_pass.pk])
    # No reason: refused, nothing changes.
    response = as_wang.post(revoke, {"reason": "  ", "next": PASSES}, follow=True)
    assert "必填" in response.content.decode() or "required" in response.content.decode()
    assert SitePass.objects.get(pk=wu_pass.pk).status == PassStatus.ACTIVE
    response = as_wang.post(revoke, {"reason": "违章动火作业", "next": f"{PASSES}?q=吴"})
    assert response["Location"] == f"{PASSES}?q=%E5%90%B4"  # back to the list as filtered
    assert SitePass.objects.get(pk=wu_pass.pk).status == PassStatus.REVOKED
    assert AuditEvent.objects.filter(verb="contractors.pass_revoked").exists()
    page = as_wang.get(PASSES).content.decode()
    assert "违章动火作业" in page and 'data-testid="pass-reinstate"' in page
    # Reinstated: judged again, valid since everything holds.
    as_wang.post(reverse("contractors:pass_reinstate", args=[wu_pass.pk]))
    assert SitePass.objects.get(pk=wu_pass.pk).status == PassStatus.ACTIVE
    assert AuditEvent.objects.filter(verb="contractors.pass_reinstated").exists()


def test_the_manager_blacklists_and_takes_off_the_blacklist(as_wang, wu_pass):
    worker = wu_pass.worker
    blacklist = reverse("contractors:worker_blacklist", args=[worker.pk])
    as_wang.post(blacklist, {"reason": ""})
    assert SitePass.objects.get(pk=wu_pass.pk).status == PassStatus.ACTIVE
    as_wang.post(blacklist, {"reason": "高处作业未系安全带"})
    site_pass = SitePass.objects.get(pk=wu_pass.pk)
    assert site_pass.status == PassStatus.SUSPENDED and "高处作业未系安全带" in site_pass.reason
    assert AuditEvent.objects.filter(verb="contractors.worker_blacklisted").exists()
    as_wang.post(reverse("contractors:worker_unblacklist", args=[worker.pk]))
    assert SitePass.objects.get(pk=wu_pass.pk).status == PassStatus.ACTIVE


def test_the_safety_officer_sees_the_list_but_decides_nothing(as_sun, wu_pass):
    page = as_sun.get(PASSES).content.decode()
    assert wu_pass.number in page and 'data-testid="pass-revoke"' not in page
    revoke = reverse("contractors:pass_revoke", args=[wu_pass.pk])
    assert as_sun.post(revoke, {"reason": "x"}).status_code == 403
    assert SitePass.objects.get(pk=wu_pass.pk).status == PassStatus.ACTIVE


def test_decisions_are_get_proof(as_wang, wu_pass):
    revoke = reverse("contractors:pass_revoke", args=[wu_pass.pk])
    assert as_wang.get(revoke).status_code == 405


def test_the_contractor_pages_link_to_the_pass_pages(as_wang, wu_pass, hengda):
    companies = as_wang.get(reverse("contractors:companies")).content.decode()
    assert PASSES in companies and ONSITE in companies
    company = as_wang.get(hengda.get_absolute_url()).content.decode()
    assert f"{PASSES}?company={hengda.pk}" in company
    worker = as_wang.get(wu_pass.worker.get_absolute_url()).content.decode()
    assert wu_pass.number in worker and f"{PASSES}?q={wu_pass.number}" in worker
