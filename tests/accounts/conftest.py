import pytest
from django.conf import settings
from django.test import Client


@pytest.fixture
def client_for():
    """A fresh browser (no cookies) speaking to an enterprise's host."""

    def make(enterprise) -> Client:
        return Client(HTTP_HOST=f"{enterprise.slug}.{settings.SAFELOOP_BASE_DOMAIN}")

    return make
