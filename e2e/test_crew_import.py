"""A crew lead's worker list on a phone (390×844, zh-hans), in a real Chromium: Wu signs
in with the password the admin set, taps "导入人员名单" on his crew page, downloads the
template, uploads a list with a bad row (told which row and column, nothing saved),
fixes it and sees the three workers added to his crew. The page is shot on a desktop
(1280×800) too."""

from __future__ import annotations

import io
import random
import uuid
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import DESKTOP
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

SHOTS = Path("/tmp/shots_cx")
PASSWORD = "Gang-Jie-2026!"


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


def _id_number(n: int) -> str:
    from safeloop.contractors.validators import id_check_char

    id17 = f"1101051990{n:02d}20" + f"{random.randrange(1000):03d}"
    return id17 + id_check_char(id17)


def _setup() -> dict:
    """A company with 钢结构一班, led by Wu, who signs in with a password."""
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from safeloop.contractors import services
    from safeloop.contractors.services import crew_portal
    from safeloop.contractors.validators import CREDIT_CODE_ALPHABET, credit_code_check_char
    from tests.contractors.conftest import consent

    tag = uuid.uuid4().hex[:6].upper()
    first17 = "91350100" + "".join(random.choices(CREDIT_CODE_ALPHABET, k=9))
    phone = "139" + f"{random.randrange(10**8):08d}"
    with schema_context("acme"):
        wang = get_user_model().objects.get(email="wang@acme.test")
        company = services.create_company(
            by=wang, name=f"恒达建设{tag}", credit_code=first17 + credit_code_check_char(first17)
        )
        lead = services.register_worker(
            company,
            by=wang,
            name="吴刚",
            id_number_value=_id_number(1),
            consent=consent(),
            phone=phone,
        ).worker
        crew = services.create_crew(company, by=wang, name="钢结构一班")
        crew_portal.give_crew_lead_access(crew, by=wang, lead=lead, password=PASSWORD)
        return {"phone": phone, "crew": crew.pk}


def _sheet(path: Path, rows) -> str:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号", "手机号", "工种", "班组"])
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return str(path)


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _small_tap_targets(page: Page) -> list:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('main a, main button'))
            .filter((el) => el.offsetParent !== null)
            .map((el) => [el.textContent.trim(), el.getBoundingClientRect().height])
            .filter(([, h]) => h < 44)"""
    )


def test_a_crew_lead_imports_his_crews_worker_list_on_his_phone(
    page: Page, browser: Browser, tenant_url, tmp_path
):
    data = committed(_setup)
    page.goto(tenant_url("acme", "/p/crew/login/?mode=password"))
    form = page.get_by_test_id("password-form")
    form.get_by_test_id("crew-phone").fill(data["phone"])
    form.get_by_test_id("crew-password").fill(PASSWORD)
    form.get_by_test_id("password-submit").click()
    page.wait_for_url("**/p/crew/")

    page.get_by_test_id("crew-import-link").click()
    page.wait_for_url("**/p/crew/import/")
    expect(page.get_by_test_id("page-title")).to_have_text("导入班组人员名单")
    expect(page.get_by_test_id("privacy-notice")).to_contain_text("个人信息处理告知")
    assert _small_tap_targets(page) == []
    _shot(page, "phone-1-import")

    with page.expect_download() as download:
        page.get_by_test_id("template-download").click()
    template = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert template.worksheets[0]["A1"].value == "姓名"

    ids = [_id_number(n) for n in (2, 3, 4)]
    rows = [
        ["李强", ids[0], "13700137001", "焊工", "钢结构一班"],
        ["赵磊", ids[1], "13700137002", "电工", ""],
        ["", ids[2], "", "架子工", ""],
    ]
    page.get_by_test_id("field-file").locator("input").set_input_files(
        _sheet(tmp_path / "bad.xlsx", rows)
    )
    page.get_by_test_id("field-consent").locator("input").check()
    page.get_by_test_id("form-submit").click()
    problem = page.get_by_test_id("import-problem")
    expect(problem).to_have_count(1)
    expect(problem).to_contain_text("第 4 行 · 姓名")
    _shot(page, "phone-2-bad-row")

    rows[2][0] = "钱多"
    page.get_by_test_id("field-file").locator("input").set_input_files(
        _sheet(tmp_path / "good.xlsx", rows)
    )
    page.get_by_test_id("field-consent").locator("input").check()
    page.get_by_test_id("form-submit").click()
    expect(page.get_by_test_id("import-added")).to_have_text("新增 3 人")
    expect(page.get_by_test_id("import-row")).to_have_count(3)
    assert _small_tap_targets(page) == []
    _shot(page, "phone-3-imported")

    page.get_by_test_id("back-button").click()
    page.wait_for_url("**/p/crew/")
    # The three and Wu himself.
    expect(page.get_by_test_id("crew-member")).to_have_count(4)
    expect(page.get_by_test_id("crew-member").filter(has_text="钱多")).to_be_visible()
    _shot(page, "phone-4-crew")

    desktop = browser.new_context(**DESKTOP, locale="zh-CN")
    desktop.add_cookies(page.context.cookies())
    wide = desktop.new_page()
    wide.goto(tenant_url("acme", "/p/crew/import/"))
    expect(wide.get_by_test_id("import-form")).to_be_visible()
    _shot(wide, "desktop-import")
    desktop.close()
