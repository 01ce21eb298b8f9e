"""Issue 14's isolation check: a worker's full ID number appears on no page, in no
export, no API response and no log line for a user without ``contractors.manage`` —
grepped, not assumed. Wu's welding certificate is numbered as such certificates are,
"T" + his ID number, so the certificate is a second way the number could slip out."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from safeloop.contractors import services
from safeloop.contractors.models import Crew, SpecialCertificate
from safeloop.contractors.services import crew_portal
from tests.contractors.conftest import WU_ID, WU_MASKED
from tests.contractors.test_gate_pages import gao, gate, today, wu_pass  # noqa: F401

pytestmark = pytest.mark.django_db

CERT_NUMBER = f"T{WU_ID}"
CERT_SHOWN = f"T{WU_MASKED}"

WORKERS = """{ contractorWorkers(first: 20) { edges { node { name idNumberMasked
  certificates { number } } } } specialCertificates(first: 20) { edges { node { number } } } }"""


@pytest.fixture
def cast(wu_pass, wang, hengda, wu):  # noqa: F811
    """Wu's certificate carries his ID number; he leads Hengda's crew."""
    assert SpecialCertificate.objects.filter(worker=wu, number=CERT_NUMBER).exists()
    crew = services.create_crew(hengda, by=wang, name="焊接一班")
    crew_portal.give_crew_lead_access(crew, by=wang, lead=wu, password="Crew-Lead-2026!")
    return {"pass": wu_pass, "crew": Crew.objects.get(pk=crew.pk)}


def _pages(cast, hengda, wu) -> list[str]:
    site_pass = cast["pass"]
    return [
        reverse("contractors:companies"),
        reverse("contractors:company", args=[hengda.pk]),
        reverse("contractors:worker", args=[wu.pk]),
        reverse("contractors:passes"),
        reverse("contractors:onsite"),
        reverse("contractors:performance"),
        reverse("contractors:gate_check"),
        reverse("contractors:induction"),
        reverse("contractors:workers_export", args=[hengda.pk]),
        site_pass.get_absolute_url(),
    ]


def _text(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        from io import BytesIO

        from openpyxl import load_workbook

        book = load_workbook(BytesIO(response.content))
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    return response.content.decode()


def test_the_safety_officer_reads_every_contractor_page_and_export_without_it(
    cast, as_sun, hengda, wu, caplog
):
    caplog.set_level("DEBUG")
    seen_masked = False
    for url in _pages(cast, hengda, wu):
        response = as_sun.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        assert WU_ID not in text, url
        seen_masked = seen_masked or CERT_SHOWN in text
    # The certificate is listed, with the number masked (the worker's page and export).
    assert seen_masked
    assert WU_ID not in caplog.text


def test_the_gate_guard_and_the_crew_lead_never_see_it(cast, acme_client, gao, wu, caplog):  # noqa: F811
    caplog.set_level("DEBUG")
    acme_client.force_login(gao)
    checked = acme_client.post(
        reverse("contractors:gate_check"), {"code": cast["pass"].number, "direction": "in"}
    )
    verdict = acme_client.get(checked["Location"]).content.decode()
    assert "可以进入" in verdict and WU_ID not in verdict

    acme_client.logout()
    acme_client.post(
        reverse("portal:crew_login") + "?mode=password",
        {"phone": wu.phone, "password": "Crew-Lead-2026!", "action": "password"},
    )
    crew_page = acme_client.get(reverse("portal:crew"))
    assert crew_page.status_code == 200
    assert "吴刚" in crew_page.content.decode()
    assert WU_ID not in crew_page.content.decode()
    assert WU_ID not in caplog.text


def test_the_api_masks_the_id_number_inside_the_certificate_number(cast, as_wang, caplog):
    caplog.set_level("DEBUG")
    response = as_wang.post(
        "/graphql/", json.dumps({"query": WORKERS}), content_type="application/json"
    )
    text = response.content.decode()
    assert "errors" not in json.loads(text), text
    assert WU_ID not in text and WU_ID not in caplog.text
    assert CERT_SHOWN in text and WU_MASKED in text


def test_the_manager_asking_for_full_numbers_gets_the_certificate_number_too(cast, as_wang, hengda):
    response = as_wang.post(
        reverse("contractors:workers_export", args=[hengda.pk]), {"full_id_numbers": "on"}
    )
    text = _text(response)
    assert WU_ID in text and CERT_NUMBER in text


def test_a_certificate_number_without_an_id_number_is_shown_as_it_is(wu, wang, today):  # noqa: F811
    cert = services.add_certificate(
        wu,
        by=wang,
        kind="electrical",
        number="D35010020231234",
        issuer="福建省应急管理厅",
        valid_until=today + timedelta(days=300),
    )
    assert cert.number_shown == "D35010020231234"
