"""The first two reports of a grade in an enterprise whose grade policies were
never saved arrive at the same moment: both are filed and both reporters get
their confirmation, instead of one 500 from the policy's unique grade."""

from __future__ import annotations

from functools import partial

import pytest

from safeloop.tenants.hazards.models import GradePolicy, Hazard
from tests.hazards.test_report_resend import _reporter_and_area, _send, _url, works  # noqa: F401
from tests.support.committed import at_once, committed

pytestmark = pytest.mark.django_db


def test_two_first_reports_at_once_are_both_filed(works):  # noqa: F811
    area, clients = committed(partial(_reporter_and_area, works), works)
    committed(lambda: GradePolicy.objects.all().delete(), works)

    answers = at_once(*(partial(_send, c, area, f"key-{n}") for n, c in enumerate(clients)))

    pks = committed(lambda: sorted(Hazard.objects.values_list("pk", flat=True)), works)
    assert len(pks) == 3
    assert sorted(getattr(a, "status_code", repr(a)) for a in answers) == [302] * 3
    assert committed(lambda: GradePolicy.objects.count(), works) == 1
