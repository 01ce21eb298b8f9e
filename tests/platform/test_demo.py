"""The demo enterprise `./dev start` seeds: people who can log in, hazards on the board."""

import pytest
from django_tenants.utils import tenant_context

from safeloop.platform.demo import DEMO_PASSWORD, DEMO_PEOPLE, demo_banner, ensure_demo

pytestmark = pytest.mark.django_db


def test_demo_has_named_people_routed_hazards_and_prints_its_logins():
    enterprise, logins = ensure_demo()
    again, _ = ensure_demo()  # running `safeloop run` twice seeds nothing twice

    assert again.pk == enterprise.pk
    banner = demo_banner(enterprise, logins, 8000)
    assert "http://demo.localhost:8000/" in banner and DEMO_PASSWORD in banner
    with tenant_context(enterprise):
        from django.contrib.auth import get_user_model

        from safeloop.tenants.hazards.models import Hazard, State

        users = get_user_model().objects.filter(email__in=[p[1] for p in DEMO_PEOPLE])
        assert users.count() == len(DEMO_PEOPLE)
        assert all(u.check_password(DEMO_PASSWORD) for u in users)
        hazards = Hazard.objects.select_related("assignee")
        assert hazards.count() == 3
        assert all(h.state == State.ASSIGNED and h.assignee for h in hazards)
