"""Acme's contractors as the portal tests meet them: Hengda Construction re-roofs workshop
W1; its welder Wu Gang registers at the main gate on his phone (see
tests/contractors/conftest.py for the cast)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from safeloop.contractors import services
from safeloop.tenants.facilities.models import Area, AreaKind
from tests.contractors.conftest import hengda, wu  # noqa: F401  (fixtures)
from tests.learning._train_data import final_quiz, make_course


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def roof(hengda, wang, liu, today):  # noqa: F811
    return services.create_project(
        hengda,
        by=wang,
        name="W1 屋面翻修",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=60),
        responsible=liu.person,
    )


@pytest.fixture
def induction_course(in_acme):
    """The induction course, published, with its final quiz (the exam)."""
    course = make_course("CW-IND", lessons=1, renewal_months=12)
    final_quiz(course)
    return course


@pytest.fixture
def rules(wang, induction_course, roof):
    """Everyone passes the induction exam, welders hold a welding certificate, and the
    site's briefing is signed."""
    services.add_requirement(by=wang, course=induction_course)
    services.add_requirement(by=wang, work_type="welder", certificate_kind="welding")
    return services.set_briefing(
        by=wang, title="动火作业安全交底", body="动火前必须办理动火作业票。\n高处作业必须系安全带。"
    )


@pytest.fixture
def gate_url(in_acme):
    site = Area.objects.filter(kind=AreaKind.SITE).order_by("code").first()
    return reverse("portal:gate", args=[services.gate_token(site)])
