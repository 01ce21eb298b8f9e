"""Fixtures shared by the learning tests."""

from __future__ import annotations

import pytest

from safeloop.tenants.facilities.services import create_person

PASSWORD = "Safe-Loop-2026!"


@pytest.fixture
def gu(wang):
    """Gu Min, Acme's safety manager (a course editor)."""
    return create_person(
        by=wang,
        email="gu@acme.test",
        full_name="Gu Min",
        employee_no="S5001",
        password=PASSWORD,
        roles=["safety_manager"],
    ).user


@pytest.fixture
def as_gu(acme_client, gu):
    acme_client.force_login(gu)
    return acme_client
