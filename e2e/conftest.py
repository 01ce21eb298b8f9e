"""End-to-end tests: a real SafeLoop server process and Debian's Chromium.

The server runs as its own process (gunicorn) on the pytest-django test
database, so what the browser does is committed like in production and
nothing is flushed between tests. Tenants the tests create use unique slugs.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.server import ARTIFACTS, free_port, serving

# Playwright runs an event loop in this thread; the Django ORM calls the tests
# make for set-up are synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SAFELOOP_CHROMIUM", "/usr/bin/chromium")

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def pytest_collection_modifyitems(items):
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture(params=["phone", "desktop"])
def viewport_name(request):
    return request.param


@pytest.fixture
def browser_context_args(browser_context_args, viewport_name):
    return {
        **browser_context_args,
        **(PHONE if viewport_name == "phone" else DESKTOP),
        "locale": "zh-CN",
    }


@pytest.fixture(scope="session")
def fake_stripe():
    """Stripe for the server: the fake's API and its Checkout page (tests/support)."""
    from tests.support.fake_stripe import FakeStripe

    fake = FakeStripe().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def server(django_db_setup, django_db_blocker, fake_stripe):
    """Base URL parts of a gunicorn serving the test database: {"port", "base"}."""
    from django.conf import settings

    from tests.support.fake_stripe import PRICES, SECRET_KEY, WEBHOOK_SECRET

    stripe_env = {
        "STRIPE_SECRET_KEY": SECRET_KEY,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": fake_stripe.url,
        "STRIPE_PRICE_STANDARD": PRICES["standard"],
        "STRIPE_PRICE_PROFESSIONAL": PRICES["professional"],
        "STRIPE_REDIRECT_HOSTS": fake_stripe.url,
        "STRIPE_MAX_NETWORK_RETRIES": "0",
    }
    port = free_port()
    fake_stripe.webhook_url = f"http://127.0.0.1:{port}/stripe/webhook/"
    fake_stripe.webhook_host = f"{settings.SAFELOOP_BASE_DOMAIN}:{port}"
    with serving(port, django_db_blocker, extra_env=stripe_env) as served:
        yield served


@pytest.fixture
def tenant_url(server):
    from django.conf import settings

    def build(slug: str, path: str = "/") -> str:
        return f"http://{slug}.{settings.SAFELOOP_BASE_DOMAIN}:{server['port']}{path}"

    return build


@pytest.fixture
def screenshot(page, request, viewport_name):
    def take(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{request.node.name}-{name}.png".replace("/", "_")
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
