"""The four-colour map: Wang (safety manager) uploads Acme's site plan and outlines
areas on it; everyone on the staff sees the zones in their risks' colours, with
the hazards found there. Zhang (operator) may look but not draw; Globex sees
nothing of Acme's map."""

from __future__ import annotations

import io
import json
import math
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context
from PIL import Image

from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.risks import mapping, services
from safeloop.tenants.risks.errors import RiskErrorCode
from safeloop.tenants.risks.models import SitePlan, Zone

pytestmark = pytest.mark.django_db

SQUARE = [[0.1, 0.1], [0.4, 0.1], [0.4, 0.4], [0.1, 0.4]]
MAP, DATA, EDIT, ZONES = "/r/map/", "/r/map/data.json", "/r/map/edit/", "/r/map/zones/"


def png(width: int = 800, height: int = 600, name: str = "plan.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (235, 240, 245)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture(autouse=True)
def _no_site_plans_yet(in_acme):
    """Start from an Acme without site plans (an e2e test may have committed one);
    the deletion is rolled back with the test."""
    SitePlan.objects.all().delete()


@pytest.fixture
def plan(wang):
    return mapping.upload_site_plan(by=wang, name="厂区平面图", image=png())


@pytest.fixture
def press_zone(plan, wang, press_line, press_risk):
    """The trial press line outlined on the plan; its press is a red risk."""
    return mapping.save_zone(plan, by=wang, area=press_line, polygon=SQUARE)


def _bad_polygon(polygon, plan, wang, area) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        mapping.save_zone(plan, by=wang, area=area, polygon=polygon)
    return caught.value


def _post_json(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


# --- Site plans -------------------------------------------------------------


def test_wang_uploads_a_site_plan_that_becomes_the_map(wang, in_acme):
    first = mapping.upload_site_plan(by=wang, name="旧平面图", image=png(400, 300))

    plan = mapping.upload_site_plan(by=wang, name=" 厂区平面图 ", image=png(1200, 900))

    assert (plan.name, plan.width, plan.height, plan.is_active) == ("厂区平面图", 1200, 900, True)
    assert plan.image.name.startswith("acme/risks/plans/plan-") and plan.image.name.endswith(".png")
    with plan.image.open("rb") as stored, Image.open(stored) as image:
        assert image.size == (1200, 900)
    first.refresh_from_db()
    assert not first.is_active
    assert list(SitePlan.objects.filter(is_active=True)) == [plan]
    event = AuditEvent.objects.filter(verb="site_plan.uploaded").order_by("-id").first()
    assert event.object_id == str(plan.pk) and event.data["replaced"] == [first.pk]


def test_upload_page_stores_the_plan(as_wang, in_acme):
    response = as_wang.post(EDIT, {"name": "一期厂区", "image": png(640, 480)})

    assert response.status_code == 302 and response["Location"] == EDIT
    plan = SitePlan.objects.get(is_active=True)
    assert (plan.name, plan.width, plan.height) == ("一期厂区", 640, 480)
    page = as_wang.get(EDIT)
    assert page.status_code == 200
    assert f"/r/map/plans/{plan.pk}/image/" in page.content.decode()


def test_a_new_drawing_of_the_site_can_keep_the_zones(wang, press_zone, press_line):
    old = press_zone.site_plan

    kept = mapping.upload_site_plan(by=wang, name="二期", image=png(1600, 1200), keep_zones=True)
    fresh = mapping.upload_site_plan(by=wang, name="三期", image=png(), keep_zones=False)

    # the zone is copied in place (fractions of the image); the old plan keeps its own
    [copy] = kept.zones.all()
    assert (copy.area, copy.polygon) == (press_line, SQUARE) and copy.pk != press_zone.pk
    assert list(old.zones.all()) == [press_zone]
    assert fresh.zones.count() == 0
    event = AuditEvent.objects.filter(verb="site_plan.uploaded").order_by("-id")[1]
    assert event.data["kept_zones"] == 1


def test_replacing_the_plan_on_the_page_keeps_the_zones_when_asked(as_wang, press_zone):
    page = as_wang.get(EDIT)
    assert 'name="keep_zones"' in page.content.decode()

    response = as_wang.post(EDIT, {"name": "二期", "image": png(), "keep_zones": "on"}, follow=True)

    plan = SitePlan.objects.get(is_active=True)
    assert plan.name == "二期" and plan.zones.count() == 1
    assert "沿用了上一张平面图的 1 个区域" in response.content.decode()  # Wang reads Chinese


def test_the_first_plan_offers_no_zones_to_keep(as_wang, in_acme):
    assert 'name="keep_zones"' not in as_wang.get(EDIT).content.decode()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("plan.png", b"not an image at all", content_type="image/png"),
        SimpleUploadedFile("plan.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    ],
    ids=["text", "svg"],
)
def test_a_file_that_is_not_an_image_is_refused(wang, in_acme, upload):
    with pytest.raises(ValidationError) as caught:
        mapping.upload_site_plan(by=wang, name="平面图", image=upload)

    assert caught.value.error_dict["image"][0].code == RiskErrorCode.BAD_IMAGE
    assert not SitePlan.objects.exists()


def test_a_truncated_png_is_refused(wang, in_acme):
    whole = png().read()
    broken = SimpleUploadedFile("plan.png", whole[: len(whole) // 2], content_type="image/png")

    with pytest.raises(ValidationError) as caught:
        mapping.upload_site_plan(by=wang, name="平面图", image=broken)

    assert caught.value.error_dict["image"][0].code == RiskErrorCode.BAD_IMAGE


def test_an_oversized_plan_is_refused(wang, in_acme):
    too_wide = png(mapping.MAX_PLAN_EDGE + 1, 2)
    too_heavy = SimpleUploadedFile("plan.png", png().read() + b"\0" * mapping.MAX_PLAN_BYTES)

    for upload in (too_wide, too_heavy):
        with pytest.raises(ValidationError) as caught:
            mapping.upload_site_plan(by=wang, name="平面图", image=upload)
        assert caught.value.error_dict["image"][0].code == RiskErrorCode.BAD_IMAGE
    assert not SitePlan.objects.exists()


def test_upload_page_shows_why_a_file_is_refused(as_wang, in_acme):
    bad = SimpleUploadedFile("plan.png", b"GIF89a nonsense", content_type="image/png")

    response = as_wang.post(EDIT, {"name": "平面图", "image": bad})

    assert response.status_code == 200
    assert response.context["form"].errors["image"]
    assert 'data-testid="form-errors"' in response.content.decode()
    assert not SitePlan.objects.exists()


def test_operator_cannot_upload_a_plan(zhang, in_acme):
    with pytest.raises(PermissionDenied):
        mapping.upload_site_plan(by=zhang, name="平面图", image=png())


# --- Zones ------------------------------------------------------------------


def test_wang_outlines_an_area_and_redrawing_replaces_its_zone(plan, wang, press_line):
    zone = mapping.save_zone(plan, by=wang, area=press_line, polygon=SQUARE)
    assert zone.polygon == SQUARE

    triangle = [[0.5, 0.5], [0.9, 0.5], [2 / 3, 0.9]]
    again = mapping.save_zone(plan, by=wang, area=press_line, polygon=triangle)

    assert again.pk == zone.pk
    assert Zone.objects.filter(site_plan=plan, area=press_line).count() == 1
    assert Zone.objects.get(pk=zone.pk).polygon == [[0.5, 0.5], [0.9, 0.5], [0.66667, 0.9]]
    verbs = AuditEvent.objects.filter(object_id=str(zone.pk), verb="risk_zone.saved")
    assert [e.data["replaced"] for e in verbs.order_by("id")] == [False, True]


@pytest.mark.parametrize(
    "polygon",
    [
        None,
        "0.1,0.1 0.4,0.1 0.4,0.4",
        [],
        [[0.1, 0.1], [0.4, 0.1]],
        [[0.1, 0.1], [0.4, 0.1], [0.4, 1.2]],
        [[0.1, 0.1], [0.4, 0.1], [-0.01, 0.4]],
        [[0.1, 0.1], [0.4, 0.1], ["0.4", 0.4]],
        [[0.1, 0.1], [0.4, 0.1], [math.nan, 0.4]],
        [[0.1, 0.1], [0.4, 0.1], [math.inf, 0.4]],
        [[0.1, 0.1], [0.4, 0.1], [True, 0.4]],
        [[0.1, 0.1], [0.4, 0.1], [0.4]],
        [[0.1, 0.1], [0.4, 0.1], [0.4, 0.4, 0.4]],
        [[0.1, 0.1], [0.2, 0.2], [0.3, 0.3]],  # on one line: no area
        [[i / 300, (i % 2) / 2] for i in range(mapping.MAX_POLYGON_POINTS + 1)],
    ],
    ids=[
        "none",
        "string",
        "empty",
        "two-points",
        "beyond-the-image",
        "negative",
        "string-number",
        "nan",
        "infinity",
        "boolean",
        "half-a-point",
        "three-numbers",
        "collinear",
        "too-many-points",
    ],
)
def test_a_bad_polygon_is_refused(plan, wang, press_line, polygon):
    error = _bad_polygon(polygon, plan, wang, press_line)

    assert error.error_dict["polygon"][0].code == RiskErrorCode.BAD_POLYGON
    assert not Zone.objects.exists()


def test_the_largest_polygon_allowed_is_saved(plan, wang, press_line):
    n = mapping.MAX_POLYGON_POINTS
    circle = [
        [0.5 + 0.4 * math.cos(2 * math.pi * i / n), 0.5 + 0.4 * math.sin(2 * math.pi * i / n)]
        for i in range(n)
    ]
    assert len(mapping.save_zone(plan, by=wang, area=press_line, polygon=circle).polygon) == n


def test_a_zone_needs_an_area(plan, wang):
    with pytest.raises(ValidationError) as caught:
        mapping.save_zone(plan, by=wang, area=None, polygon=SQUARE)
    assert caught.value.error_dict["area"][0].code == RiskErrorCode.REQUIRED


def test_operator_cannot_draw_or_delete_zones(plan, zhang, press_zone, press_line):
    with pytest.raises(PermissionDenied):
        mapping.save_zone(plan, by=zhang, area=press_line, polygon=SQUARE)
    with pytest.raises(PermissionDenied):
        mapping.delete_zone(press_zone, by=zhang)
    assert Zone.objects.filter(pk=press_zone.pk).exists()


# --- Zone endpoints (the editor's fetch calls) --------------------------------


def test_editor_saves_a_zone_as_json(as_wang, plan, press_line, press_risk):
    body = {"plan": plan.pk, "area": press_line.pk, "polygon": SQUARE}

    response = _post_json(as_wang, ZONES, body)

    assert response.status_code == 200
    zone = response.json()["zone"]
    assert zone["area"]["id"] == press_line.pk and zone["polygon"] == SQUARE
    assert zone["colour"] == "#e02020"
    assert Zone.objects.get(pk=zone["id"]).area == press_line


def test_editor_gets_field_errors_for_a_bad_polygon(as_wang, plan, press_line):
    body = {"plan": plan.pk, "area": press_line.pk, "polygon": [[0.1, 0.1], [0.2, 0.2]]}

    response = _post_json(as_wang, ZONES, body)

    assert response.status_code == 400
    [error] = response.json()["errors"]["polygon"]
    assert error["code"] == "bad_polygon" and error["message"]
    assert not Zone.objects.exists()


@pytest.mark.parametrize(
    "body,field,status",
    [
        ("not json", "__all__", 400),
        ({"plan": 0, "area": 1, "polygon": SQUARE}, "plan", 404),
        ({"area": "W1-RT", "polygon": SQUARE}, "plan", 404),
    ],
    ids=["unreadable", "no-such-plan", "no-plan"],
)
def test_editor_gets_an_error_for_a_bad_request(as_wang, plan, body, field, status):
    data = body if isinstance(body, str) else json.dumps(body)
    response = as_wang.post(ZONES, data=data, content_type="application/json")

    assert response.status_code == status
    assert field in response.json()["errors"]


def test_editor_needs_an_area_that_exists(as_wang, plan):
    response = _post_json(as_wang, ZONES, {"plan": plan.pk, "area": 10**9, "polygon": SQUARE})

    assert response.status_code == 400
    assert response.json()["errors"]["area"][0]["code"] == "required"


def test_editor_deletes_a_zone(as_wang, press_zone):
    response = as_wang.post(f"{ZONES}{press_zone.pk}/delete/")

    assert response.status_code == 200 and response.json() == {"deleted": press_zone.pk}
    assert not Zone.objects.filter(pk=press_zone.pk).exists()
    assert AuditEvent.objects.filter(verb="risk_zone.deleted", object_id=str(press_zone.pk))


def test_operator_may_view_the_map_but_not_edit_it(as_zhang, plan, press_zone, press_line):
    assert as_zhang.get(MAP).status_code == 200
    assert as_zhang.get(DATA).status_code == 200
    assert as_zhang.get(f"/r/map/plans/{plan.pk}/image/").status_code == 200
    assert 'data-testid="map-edit-link"' not in as_zhang.get(MAP).content.decode()

    assert as_zhang.get(EDIT).status_code == 403
    assert as_zhang.post(EDIT, {"name": "x", "image": png()}).status_code == 403
    saved = _post_json(as_zhang, ZONES, {"plan": plan.pk, "area": press_line.pk, "polygon": SQUARE})
    assert saved.status_code == 403
    assert saved.json()["errors"]["__all__"][0]["code"] == "permission_denied"
    assert as_zhang.post(f"{ZONES}{press_zone.pk}/delete/").status_code == 403
    assert Zone.objects.get(pk=press_zone.pk).polygon == SQUARE
    assert SitePlan.objects.count() == 1


def test_a_verifier_sees_no_map(as_zhao, plan):
    assert as_zhao.get(MAP).status_code == 403
    assert as_zhao.get(DATA).status_code == 403
    assert as_zhao.get(f"/r/map/plans/{plan.pk}/image/").status_code == 403


def test_signed_out_visitors_see_no_map(acme_client, plan):
    assert acme_client.get(MAP).status_code == 302
    assert acme_client.get(DATA).status_code == 403
    assert acme_client.get(f"/r/map/plans/{plan.pk}/image/").status_code == 302


def test_globex_cannot_reach_acmes_plan_or_zones(as_chen, acme, globex, plan, press_zone):
    image_name = plan.image.name

    assert as_chen.get(f"/r/map/plans/{plan.pk}/image/").status_code == 404
    assert as_chen.get(DATA).json() == {"plan": None, "zones": []}
    deleted = as_chen.post(f"{ZONES}{press_zone.pk}/delete/")
    assert deleted.status_code == 404
    with tenant_context(globex):
        # Even a Globex row naming Acme's file is not served: the key is Acme's.
        forged = SitePlan.objects.create(name="forged", image=image_name, width=1, height=1)
    assert as_chen.get(f"/r/map/plans/{forged.pk}/image/").status_code == 404
    with tenant_context(acme):
        assert Zone.objects.filter(pk=press_zone.pk).exists()


# --- What the map shows -----------------------------------------------------


def test_map_data_colours_and_counts_each_zone(
    as_zhang, zhang, plan, press_zone, press_line, press
):
    from safeloop.tenants.hazards.services import report_hazard

    report_hazard(by=zhang, area=press_line, equipment=press, description="油管渗漏")
    report_hazard(
        by=zhang,
        area=press_line,
        description="地面油污",
        reported_at=timezone.now() - timedelta(days=60),
    )

    data = as_zhang.get(DATA).json()

    assert data["plan"] == {
        "id": plan.pk,
        "name": "厂区平面图",
        "width": 800,
        "height": 600,
        "image": f"/r/map/plans/{plan.pk}/image/",
    }
    [zone] = data["zones"]
    assert zone["area"] == {"id": press_line.pk, "code": "W1-RT", "name": "试验冲压线"}
    assert (zone["band"], zone["colour"]) == ("red", "#e02020")
    assert zone["byBand"] == {"red": 1, "orange": 0, "yellow": 0, "blue": 0}
    assert zone["riskPoints"] == 1
    assert (zone["openHazards"], zone["overdueHazards"]) == (2, 1)
    assert zone["needsReassessment"] == 1  # the hazard at the press flagged it
    assert zone["url"] == f"/r/?area={press_line.pk}"
    assert zone["label"] == [0.25, 0.25]


def test_an_area_without_assessed_risks_is_grey(as_wang, plan, wang, press_line):
    mapping.save_zone(plan, by=wang, area=press_line, polygon=SQUARE)

    [zone] = as_wang.get(DATA).json()["zones"]

    assert (zone["band"], zone["colour"], zone["riskPoints"]) == ("", "#9aa3ad", 0)


def test_reassessment_changes_the_colour_in_the_map_data(as_wang, wang, press_zone, press_risk):
    assert as_wang.get(DATA).json()["zones"][0]["colour"] == "#e02020"

    services.assess_risk(
        press_risk, by=wang, inherent={"l": 6, "e": 6, "c": 15}, residual={"l": 1, "e": 3, "c": 7}
    )

    [zone] = as_wang.get(DATA).json()["zones"]
    assert (zone["band"], zone["colour"]) == ("blue", "#1f6fd6")
    assert zone["byBand"]["blue"] == 1 and zone["byBand"]["red"] == 0


def test_map_page_draws_each_zone_in_its_colour_linked_to_its_risks(
    as_zhang, press_zone, press_line
):
    response = as_zhang.get(MAP)

    assert response.status_code == 200
    page = response.content.decode()
    assert 'points="0.1,0.1 0.4,0.1 0.4,0.4 0.1,0.4"' in page
    assert 'fill="#e02020"' in page and 'data-testid="zone-W1-RT"' in page
    assert f'href="/r/?area={press_line.pk}"' in page
    assert "left: 25.000%; top: 25.000%" in page


def test_map_page_without_a_plan_offers_wang_the_upload(as_wang, in_acme):
    page = as_wang.get(MAP).content.decode()

    assert 'data-testid="map-no-plan"' in page and f'href="{EDIT}"' in page


def test_map_page_without_a_plan_tells_zhang_there_is_none(as_zhang, in_acme):
    page = as_zhang.get(MAP).content.decode()

    assert 'data-testid="map-no-plan"' in page and f'href="{EDIT}"' not in page


def test_map_data_costs_the_same_queries_however_many_zones(
    as_wang, plan, wang, press_line, in_acme
):
    from safeloop.tenants.facilities.models import Area

    mapping.save_zone(plan, by=wang, area=press_line, polygon=SQUARE)
    as_wang.get(DATA)  # the client's first request also routes its host and caches its session
    with CaptureQueriesContext(connection) as one:
        as_wang.get(DATA)
    for area in Area.objects.exclude(pk=press_line.pk).order_by("code")[:6]:
        mapping.save_zone(plan, by=wang, area=area, polygon=SQUARE)
    with CaptureQueriesContext(connection) as seven:
        assert len(as_wang.get(DATA).json()["zones"]) == 7

    assert len(seven.captured_queries) == len(one.captured_queries) <= 20
