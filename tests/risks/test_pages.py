"""The risk register pages: what a safety manager, an operator and another
tenant see and may do."""

from __future__ import annotations

import pytest

from safeloop.tenants.risks.models import RiskPoint, RiskSettings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(in_acme):
    """Acme's people read these pages in English (a saved choice beats the browser's)."""
    from safeloop.tenants.facilities.models import Person

    Person.objects.update(language="en")


def test_register_lists_points_with_colour_counts_and_filters(as_wang, press_risk):
    page = as_wang.get("/r/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "RP-PRESS-R1" in html and 'data-band="red"' in html

    only_blue = as_wang.get("/r/?band=blue", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "RP-PRESS-R1" not in only_blue


def test_an_operator_reads_the_register_but_cannot_assess(as_zhang, press_risk):
    assert as_zhang.get("/r/").status_code == 200
    detail = as_zhang.get(f"/r/{press_risk.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "光电保护装置" in detail and "Re-assess now" not in detail
    assert as_zhang.get(f"/r/{press_risk.pk}/assess/").status_code == 403
    response = as_zhang.post(f"/r/{press_risk.pk}/assess/", {"inherent_l": "1"})
    assert response.status_code == 403
    press_risk.refresh_from_db()
    assert press_risk.assessments.count() == 1


def test_the_verifier_sees_no_register(as_zhao, press_risk):
    assert as_zhao.get("/r/").status_code == 403


def test_manager_creates_identifies_assesses_and_controls_a_point(as_wang, press_line, in_acme):
    response = as_wang.post(
        "/r/new/",
        {
            "code": "RP-OVEN",
            "name": "烘箱",
            "name_en": "Drying oven",
            "kind": "area",
            "area": press_line.pk,
        },
    )
    point = RiskPoint.objects.get(code="RP-OVEN")
    assert response.status_code == 302 and response["Location"] == f"/r/{point.pk}/"

    as_wang.post(f"/r/{point.pk}/sources/", {"sources": "烘箱超温 | 火灾, 灼烫\n"})
    assert list(point.sources.values_list("accident_types", flat=True)) == [["fire", "burn"]]

    response = as_wang.post(
        f"/r/{point.pk}/assess/",
        {
            "inherent_l": "3",
            "inherent_e": "6",
            "inherent_c": "15",
            "residual_l": "1",
            "residual_e": "6",
            "residual_c": "15",
            "note": "超温联锁",
        },
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert (point.inherent_band, point.band, point.score) == ("orange", "yellow", 90)

    as_wang.post(
        f"/r/{point.pk}/measures/new/",
        {
            "kind": "engineering",
            "level": "team",
            "description": "超温自动断电",
            "check_label": "超温断电装置有效",
        },
    )
    as_wang.post(f"/r/{point.pk}/checks/")
    detail = as_wang.get(f"/r/{point.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "超温自动断电" in detail and "Inspected with checklist R-RP-OVEN" in detail


def test_a_value_outside_the_table_is_shown_beside_its_field(as_wang, press_risk):
    response = as_wang.post(
        f"/r/{press_risk.pk}/assess/",
        {"inherent_l": "4", "inherent_e": "6", "inherent_c": "15"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["inherent_l"]
    assert "has-error" in response.content.decode()


def test_residual_above_inherent_is_explained(as_wang, press_risk):
    response = as_wang.post(
        f"/r/{press_risk.pk}/assess/",
        {
            "inherent_l": "1",
            "inherent_e": "6",
            "inherent_c": "15",
            "residual_l": "6",
            "residual_e": "6",
            "residual_c": "15",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "residual" not in response.context["form"].fields  # a form-wide error, then
    assert "cannot be higher than the inherent risk" in str(response.context["form"].errors)


def test_matrix_enterprises_get_likelihood_and_severity_pickers(as_wang, press_risk):
    as_wang.post("/r/settings/", {"method": "matrix"})
    assert RiskSettings.current().method == "matrix"
    page = as_wang.get(f"/r/{press_risk.pk}/assess/").content.decode()
    assert 'name="inherent_likelihood"' in page and 'name="inherent_l"' not in page


def test_a_bad_emergency_phone_is_shown_beside_its_field(as_wang, in_acme):
    response = as_wang.post(
        "/r/settings/",
        {"method": "lec", "emergency_phone": "ask the gatehouse"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert "0512-6688 1234" in str(response.context["form"].errors["emergency_phone"])
    assert RiskSettings.current().emergency_phone == ""


def test_a_flagged_point_says_which_hazard_flagged_it(as_wang, zhang, press, press_risk):
    from safeloop.tenants.hazards.services import report_hazard

    hazard = report_hazard(by=zhang, area=press.area, equipment=press, description="防护罩缺失")
    page = as_wang.get(f"/r/{press_risk.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="reassessment-flag"' in page and hazard.number in page
    register = as_wang.get("/r/?reassess=1").content.decode()
    assert "RP-PRESS-R1" in register


def test_another_tenants_risk_point_is_not_found(as_chen, press_risk):
    assert as_chen.get(f"/r/{press_risk.pk}/").status_code == 404


def test_every_template_risk_point_page_opens(as_zhang, in_acme):
    points = list(RiskPoint.objects.filter(assessments__assessed_by__isnull=True).distinct())
    assert len(points) >= 15  # the metal template's, assessed by nobody
    for point in points:
        page = as_zhang.get(f"/r/{point.pk}/")
        assert page.status_code == 200, point.code
        assert "industry template" in page.content.decode()  # assessed by the template


def test_register_counts_each_workshops_risks_by_colour(as_wang, w1, press_risk):
    from safeloop.tenants.facilities.selectors import AreaTree

    page = as_wang.get("/r/")
    rows = {row.area.code: row for row in page.context["by_area"]}
    in_w1 = RiskPoint.objects.filter(area_id__in=AreaTree().subtree(w1.pk), is_active=True)
    assert rows["W1"].total == in_w1.count()
    assert rows["W1"].red == in_w1.filter(band="red").count() >= 1  # the press at least
    assert 'data-testid="counts-by-area"' in page.content.decode()


def test_a_template_point_shows_the_standards_it_rests_on(as_zhang, in_acme):
    grinding = RiskPoint.objects.get(code="RP-M08")  # aluminium and magnesium dust

    page = as_zhang.get(f"/r/{grinding.pk}/").content.decode()

    assert 'data-testid="basis"' in page
    assert "GB 15577-2018《粉尘防爆安全规程》" in page
