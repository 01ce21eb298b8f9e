"""The pages work under the Content-Security-Policy: the browser refuses nothing.

On a 390 × 844 phone a visitor opens the public landing, signup (typing a
sub-domain fires the live check) and "find your workspace" pages and both
sign-in pages; then Zhang (operator) and Wang (admin) sign in with their PIN
and open the pages they use: home, the QR point page (a photo chosen, which
shows a preview), the hazard board and a hazard's page (the signature canvas
drawn on), the risk register, map and map editor, and the inspection set-up
pages. Every "Refused to …" the browser reports (console or
``securitypolicyviolation`` event) is collected; the test fails listing them.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Browser, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from e2e.test_tap_targets import PHONE, PIN, _set_up
from tests.support.worker import committed

pytestmark = pytest.mark.django_db

# Runs before any page script: violations are events too (some never reach the console).
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture(params=["phone"])
def viewport_name(request):
    return request.param


class Watcher:
    """Collects what the browser refused, page by page."""

    def __init__(self, page: Page):
        self.page = page
        self.refused: list[str] = []
        self.where = ""
        page.add_init_script(LISTEN)
        page.on("console", self._console)

    def _console(self, message) -> None:
        text = message.text
        if "Content Security Policy" in text or text.startswith("Refused to"):
            self.refused.append(f"{self.where}: {text}")

    def open(self, url: str, label: str) -> None:
        self.where = label
        response = self.page.goto(url)
        assert response is not None and response.ok, f"{label}: {response and response.status}"
        policy = response.headers.get("content-security-policy", "")
        # The nonce is named only on pages with an inline script or style.
        assert "script-src 'self'" in policy, f"{label}: no CSP header ({policy!r})"
        self.page.wait_for_load_state("networkidle")

    def collect(self) -> None:
        events = self.page.evaluate("window.__cspViolations || []")
        self.refused += [f"{self.where}: {event}" for event in events]


def _tiny_png() -> dict:
    import base64

    data = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    return {"name": "guard.png", "mimeType": "image/png", "buffer": data}


def _sign_in(watch: Watcher, tenant_url, employee_no: str) -> None:
    watch.open(tenant_url("acme", "/auth/quick/?next=/w/"), "quick login")
    watch.page.fill("input[name=employee_no]", employee_no)
    watch.page.fill("input[name=pin]", PIN)
    watch.page.locator("#quick-login-form button[type=submit]").click()
    watch.page.wait_for_url("**/w/")
    watch.collect()


def _draw_on_canvas(page: Page) -> None:
    canvas = page.locator("canvas").first
    if not canvas.count() or not canvas.is_visible():
        return
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 10, box["y"] + 10)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()


def test_the_main_pages_run_under_the_csp_without_a_single_refusal(
    browser: Browser, server, tenant_url
):
    data = committed(_set_up)
    context = browser.new_context(**PHONE)
    watch = Watcher(context.new_page())
    base = server["base"]

    # The public site and the sign-in pages, before anyone signs in.
    for path, label in [("/", "landing"), ("/signup/", "signup"), ("/login/", "find workspace")]:
        watch.open(f"{base}{path}", label)
        if path == "/signup/":
            watch.page.fill("input[name=slug]", f"csp{uuid.uuid4().hex[:6]}")
            try:
                watch.page.wait_for_selector("#slug-hint.sl-ok, #slug-hint.sl-bad", timeout=5000)
            except PlaywrightTimeout:
                watch.refused.append("signup: the sub-domain check never answered")
        watch.collect()
    watch.open(tenant_url("acme", "/accounts/login/"), "e-mail login")
    watch.collect()

    point, hazard = f"/q/{data['token']}/", f"/h/{data['hazard']}/"
    pages = {
        "zhang": ["/w/", point, "/w/report/", "/w/scan/", "/h/", hazard, "/inbox/"],
        "wang": [
            "/w/",
            "/h/",
            hazard,
            "/r/",
            "/r/map/",
            "/r/map/edit/",
            "/i/",
            "/i/setup/",
            "/i/setup/checklists/new/",
            "/i/setup/plans/",
            "/i/setup/routes/",
            "/i/completion/",
        ],
    }
    for who, paths in pages.items():
        _sign_in(watch, tenant_url, data["numbers"][who])
        for path in paths:
            watch.open(tenant_url("acme", path), f"{who} {path}")
            photo = watch.page.locator("input[type=file][accept^=image]").first
            if photo.count():
                photo.set_input_files(_tiny_png())
                watch.page.wait_for_timeout(300)
            _draw_on_canvas(watch.page)
            watch.collect()
        context.clear_cookies()
    context.close()

    assert not watch.refused, f"{len(watch.refused)} CSP refusals:\n" + "\n".join(watch.refused)
