"""The 有限空间 and 粉尘 台账 of Acme (a metal works, cloned from the metal template):
the page a safety officer checks, the workbook, the API; naming who answers for a
line is for those who manage the register, and it is audited."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from safeloop.platform.routing import forget_hosts
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.models import Person
from safeloop.tenants.risks.models import ConfinedSpace, DustSite
from tests.graphql.conftest import run
from tests.graphql.test_query_counts import PER_REQUEST

pytestmark = pytest.mark.django_db


def test_the_page_lists_every_line_and_says_what_is_missing(as_sun):
    body = as_sun.get(reverse("risks:inventories")).content.decode()

    for code in ConfinedSpace.objects.values_list("code", flat=True):
        assert f'data-testid="space-{code}"' in body
    assert 'data-testid="dust-DS-M01"' in body and "铝镁粉尘" in body
    # nobody is named yet for any line of the template
    lines = ConfinedSpace.objects.count() + DustSite.objects.count()
    assert f"<strong>{lines}</strong>" in body.split('data-testid="unowned"')[1][:40]


def test_the_safety_officer_names_who_answers_for_a_line_and_it_is_audited(as_sun, sun, liu):
    pit = ConfinedSpace.objects.get(code="CS-M01")
    page = reverse("risks:inventory_edit", args=["space", pit.pk])
    person = Person.objects.get(user=liu)

    response = as_sun.post(page, {"responsible": person.pk, "sign_posted": "on"})

    assert response.status_code == 302
    pit.refresh_from_db()
    assert pit.responsible == person and pit.sign_posted
    event = AuditEvent.objects.get(verb="risks.inventory_changed")
    assert event.actor_id == sun.pk and event.data["code"] == "CS-M01"
    assert event.data["after"]["responsible"] == person.pk
    body = as_sun.get(reverse("risks:inventories")).content.decode()
    assert person.full_name in body


def test_a_head_count_below_zero_is_refused_in_place(as_sun):
    site = DustSite.objects.get(code="DS-M01")
    response = as_sun.post(
        reverse("risks:inventory_edit", args=["dust", site.pk]), {"workers": "-3"}
    )
    assert response.status_code == 200 and 'data-testid="form-errors"' in response.content.decode()
    site.refresh_from_db()
    assert site.workers == 8


def test_an_operator_reads_the_page_but_may_not_change_a_line(acme_client, zhang):
    acme_client.force_login(zhang)
    pit = ConfinedSpace.objects.get(code="CS-M01")
    assert acme_client.get(reverse("risks:inventories")).status_code == 200
    response = acme_client.post(
        reverse("risks:inventory_edit", args=["space", pit.pk]), {"sign_posted": ""}
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(verb="risks.inventory_changed").exists()


def test_the_workbook_has_both_registers(as_sun):
    response = as_sun.get(reverse("risks:inventories_xlsx"))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    spaces, dust = book.worksheets
    assert spaces.max_row == ConfinedSpace.objects.count() + 1
    rows = {row[0]: row for row in spaces.iter_rows(min_row=2, values_only=True)}
    assert "缺氧" in rows["CS-M05"][4] and "硫化氢" in rows["CS-M05"][5]
    assert dust.max_row == DustSite.objects.count() + 1


QUERY = """query { confinedSpaces { code kind hazards signPosted area { code } riskPoint { code }
  responsible { name } }
  dustSites { code dust explosive collector workers area { code } riskPoint { code } } }"""


def test_the_api_lists_both_in_a_fixed_number_of_queries(as_wang):
    def count() -> tuple[int, dict]:
        forget_hosts()
        with CaptureQueriesContext(connection) as captured:
            data = run(as_wang, QUERY)
        return len([q for q in captured.captured_queries if not q["sql"].startswith("SET ")]), data

    queries, data = count()
    pit = next(s for s in data["confinedSpaces"] if s["code"] == "CS-M01")
    assert pit["kind"] == "UNDERGROUND" and "OXYGEN" in pit["hazards"]
    assert pit["riskPoint"] == {"code": "RP-M19"}
    assert {"code": "DS-M01", "explosive": True}.items() <= next(
        d for d in data["dustSites"] if d["code"] == "DS-M01"
    ).items()
    ConfinedSpace.objects.create(
        code="CS-M99",
        name="新地坑",
        kind="underground",
        area=ConfinedSpace.objects.first().area,
        hazards=["oxygen"],
    )
    # each list, then areas, risk points and people one query each (their types filter
    # what the caller may see, so they are prefetched rather than joined)
    assert count()[0] == queries == PER_REQUEST + 6
