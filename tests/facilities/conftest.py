"""Helpers for the facilities pages: signed-in clients for the people in conftest.py."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context


@pytest.fixture
def chen(globex):
    with tenant_context(globex):
        return get_user_model().objects.select_related("person").get(email="chen@globex.test")


@pytest.fixture
def as_wang(acme_client, wang):
    acme_client.force_login(wang)
    return acme_client


@pytest.fixture
def as_li(acme_client, li):
    acme_client.force_login(li)
    return acme_client


@pytest.fixture
def as_zhang(acme_client, zhang):
    acme_client.force_login(zhang)
    return acme_client


@pytest.fixture
def as_zhao(acme_client, zhao):
    acme_client.force_login(zhao)
    return acme_client


@pytest.fixture
def as_chen(globex_client, chen, globex):
    with tenant_context(globex):
        globex_client.force_login(chen)
    return globex_client
