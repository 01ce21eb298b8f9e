"""Billing fixtures: the fake Stripe (a real HTTP server the real ``stripe`` library
talks to), Stripe's settings pointed at it, Celery tasks run in-process, and a way to
deliver a signed webhook event to the public host."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from tests.support.fake_stripe import PRICES, SECRET_KEY, WEBHOOK_SECRET, FakeStripe, signed
from tests.support.server import free_port


@pytest.fixture(scope="module")
def _fake_stripe_server():
    server = FakeStripe().start()
    yield server
    server.stop()


@pytest.fixture
def fake_stripe(_fake_stripe_server, settings):
    """Stripe as this installation sees it: the fake, with its key, secret and prices."""
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_API_BASE = _fake_stripe_server.url
    settings.STRIPE_PRICES = dict(PRICES)
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.STRIPE_TIMEOUT_SECONDS = 5
    _fake_stripe_server.calls.clear()
    return _fake_stripe_server


@pytest.fixture
def stripe_down(fake_stripe, settings):
    """Nothing listens where Stripe should be."""
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def eager_celery():
    from safeloop.platform.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before


@pytest.fixture
def deliver(public_client, eager_celery, django_capture_on_commit_callbacks):
    """POST ``event`` to the webhook URL as Stripe would (signed), and run what its
    commit schedules (the processing task); the response."""

    def send(event: dict, *, secret: str = WEBHOOK_SECRET):
        body, signature = signed(event, secret)
        with django_capture_on_commit_callbacks(execute=True):
            return public_client.post(
                "/stripe/webhook/",
                body,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=signature,
            )

    return send


@pytest.fixture
def after_the_trial(acme, as_wang, wang):
    """A day after the trial's end, Wang signed in again: a session from before has
    expired by then (the database session backend checks its expiry date)."""
    with time_machine.travel(acme.trial_ends_at + timedelta(days=1), tick=True):
        as_wang.force_login(wang)
        yield
