"""The crew leads' portal on a phone (390×844, zh-hans), in a real Chromium: a crew lead
signs in with the code texted to his phone, sees that his welder's welding certificate
has expired ("焊工证已过期"), opens the hazard assigned to him and fixes it with a photo
and his signature. The same pages are shot on a desktop (1280×800)."""

from __future__ import annotations

import json
import random
import re
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import DESKTOP
from tests.support.server import free_port, serving
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

SHOTS = Path("/tmp/shots_crew")


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


@pytest.fixture(scope="module")
def sms_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("sms") / "sent.jsonl"


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, sms_file):
    """A server of its own whose SMS gateway writes each message to ``sms_file``."""
    env = {
        "SAFELOOP_SMS_BACKEND": "tests.contractors.sms_gateway.FileSmsGateway",
        "SAFELOOP_TEST_SMS_FILE": str(sms_file),
    }
    with serving(free_port(), django_db_blocker, "e2e-crew-server", extra_env=env) as served:
        yield served


def _setup() -> dict:
    """Hengda-like company with a crew on a running project: the lead, a welder whose
    welding certificate expired five days ago (welders need one on this project), and a
    hazard in W1 that the admin gave to the lead."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.contractors import services
    from safeloop.contractors.models import CertificateKind, SpecialCertificate
    from safeloop.contractors.services import crew_portal
    from safeloop.contractors.validators import (
        CREDIT_CODE_ALPHABET,
        credit_code_check_char,
        id_check_char,
    )
    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.hazards import services as hazards
    from tests.contractors.conftest import consent

    tag = uuid.uuid4().hex[:6].upper()
    first17 = "91350100" + "".join(random.choices(CREDIT_CODE_ALPHABET, k=9))
    phone = "139" + f"{random.randrange(10**8):08d}"

    def id_number(n: int) -> str:
        id17 = f"1101051988{n:02d}15" + f"{random.randrange(1000):03d}"
        return id17 + id_check_char(id17)

    with schema_context("acme"):
        users = get_user_model().objects.select_related("person")
        wang = users.get(email="wang@acme.test")
        zhang = users.get(email="zhang@acme.test")
        sun = users.get(email="sun@acme.test")
        company = services.create_company(
            by=wang, name=f"恒达建设{tag}", credit_code=first17 + credit_code_check_char(first17)
        )
        project = services.create_project(
            company,
            by=wang,
            name="W1 屋面翻修",
            starts_on=date.today() - timedelta(days=3),
            ends_on=date.today() + timedelta(days=60),
            responsible=sun.person,
        )
        lead = services.register_worker(
            company,
            by=wang,
            name="吴刚",
            id_number_value=id_number(1),
            consent=consent(),
            phone=phone,
        ).worker
        crew = services.create_crew(company, by=wang, name="钢结构一班", project=project)
        crew_portal.give_crew_lead_access(crew, by=wang, lead=lead)
        welder = services.register_worker(
            company,
            by=wang,
            name="周波",
            id_number_value=id_number(2),
            consent=consent(),
            work_types=["welder"],
            crew=crew,
        ).worker
        SpecialCertificate.objects.create(
            worker=welder,
            kind=CertificateKind.WELDING,
            number=f"T{tag}",
            issuer="北京市应急管理局",
            valid_until=date.today() - timedelta(days=5),
        )
        services.add_requirement(
            by=wang, project=project, work_type="welder", certificate_kind="welding"
        )
        area = Area.objects.filter(parent__code="W1").order_by("code").first()
        hazard = hazards.report_hazard(by=zhang, area=area, description=f"脚手架连墙件缺失 {tag}")
        lead.refresh_from_db()
        hazards.reassign(hazard, by=wang, assignee=lead.person, reason="屋面施工班组负责")
        return {"phone": phone, "hazard": hazard.pk, "number": hazard.number}


def _photo(path: Path) -> str:
    Image.effect_noise((1200, 900), 40).convert("RGB").save(path, "JPEG")
    return str(path)


def _draw(page: Page) -> None:
    pad = page.get_by_test_id("signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.7)
    page.mouse.down()
    for fx, fy in [(0.25, 0.3), (0.4, 0.75), (0.55, 0.35), (0.7, 0.7), (0.9, 0.4)]:
        page.mouse.move(x + w * fx, y + h * fy, steps=6)
    page.mouse.up()


def _shot(page: Page, name: str, *, full_page: bool = True) -> None:
    """The hazard page is tall (≈ 4,000 device pixels on a phone): Chromium sometimes
    fails to capture it whole on a loaded machine, so those shots take the screen only."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _texted_code(sms_file: Path, phone: str) -> str:
    lines = sms_file.read_text(encoding="utf-8").splitlines() if sms_file.exists() else []
    texts = [json.loads(line)["text"] for line in lines if json.loads(line)["phone"] == phone]
    assert texts, lines
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def _small_tap_targets(page: Page) -> list:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('main a, main button'))
            .filter((el) => el.offsetParent !== null)
            .map((el) => [el.textContent.trim(), el.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)"""
    )


def test_a_crew_lead_signs_in_by_sms_code_sees_the_lack_and_fixes_his_hazard(
    page: Page, browser: Browser, tenant_url, sms_file, tmp_path
):
    data = committed(_setup)

    # Wu asks for a code on his phone and types the one the SMS brings.
    page.goto(tenant_url("acme", "/p/crew/login/"))
    expect(page.get_by_test_id("page-title")).to_have_text("班组长登录")
    _shot(page, "phone-1-login")
    assert _small_tap_targets(page) == []
    page.get_by_test_id("crew-phone").fill(data["phone"])
    page.get_by_test_id("send-code").click()
    expect(page.get_by_test_id("code-sent")).to_be_visible()
    _shot(page, "phone-2-code")
    page.get_by_test_id("crew-code").fill(_texted_code(sms_file, data["phone"]))
    page.get_by_test_id("code-submit").click()

    # His crew: the welder's expired certificate, word for word; his hazard with its due date.
    page.wait_for_url("**/p/crew/")
    member = page.get_by_test_id("crew-member").filter(has_text="周波")
    expect(member.get_by_test_id("lack")).to_contain_text("焊工证已过期")
    hazard = page.get_by_test_id("crew-hazard").filter(has_text=data["number"])
    expect(hazard.get_by_test_id("hazard-due")).to_be_visible()
    assert _small_tap_targets(page) == []
    _shot(page, "phone-3-crew")

    # He fixes it on the hazard page: a photo after the fix, what was done, his signature.
    hazard.get_by_role("link").click()
    page.get_by_test_id("action-rectify").click()
    page.get_by_test_id("after-photo-1").set_input_files(_photo(tmp_path / "after.jpg"))
    page.fill("textarea[name=rectify-description]", "补设连墙件，逐层检查紧固")
    _draw(page)
    _shot(page, "phone-4-fix", full_page=False)
    page.get_by_test_id("rectify-submit").click()
    # The answer page (not the form, which has the same column, empty) shows his photo.
    expect(page.get_by_test_id("photos-after").locator("img")).to_have_count(1)
    page.get_by_test_id("photos-after").scroll_into_view_if_needed()
    _shot(page, "phone-5-fixed", full_page=False)

    from django_tenants.utils import schema_context

    from safeloop.tenants.hazards.models import Hazard

    def state() -> str:
        with schema_context("acme"):
            return Hazard.objects.get(pk=data["hazard"]).state

    assert committed(state) == "awaiting_acceptance"

    # The same pages on a desktop.
    desktop = browser.new_context(**DESKTOP, locale="zh-CN")
    desktop.add_cookies(page.context.cookies())
    wide = desktop.new_page()
    wide.goto(tenant_url("acme", "/p/crew/"))
    expect(wide.get_by_test_id("crew-member").first).to_be_visible()
    _shot(wide, "desktop-crew")
    login = browser.new_context(**DESKTOP, locale="zh-CN").new_page()
    login.goto(tenant_url("acme", "/p/crew/login/?mode=password"))
    _shot(login, "desktop-login-password")
    desktop.close()
