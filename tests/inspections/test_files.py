"""Inspection photos are served only to who may see the inspection; guidance to inspectors."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _photo_answer(inspect, area_point, zhang):
    inspection = inspect(area_point, zhang)
    answer = inspection.answers.exclude(photo="").first()
    assert answer is not None, "the area checklist has a photo item"
    return answer


def test_the_inspector_and_managers_see_the_answer_photo(
    inspect, area_point, zhang, as_zhang, acme_client, wang
):
    answer = _photo_answer(inspect, area_point, zhang)
    url = reverse("inspections:answer_photo", args=[answer.pk])
    assert answer.photo.name.startswith("acme/")

    response = as_zhang.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"  # a JPEG
    assert response["Cache-Control"].startswith("private")
    acme_client.force_login(wang)
    assert acme_client.get(url).status_code == 200


def test_other_people_and_other_tenants_get_not_found(
    inspect, area_point, zhang, qian, acme_client, globex_client
):
    answer = _photo_answer(inspect, area_point, zhang)
    url = reverse("inspections:answer_photo", args=[answer.pk])

    acme_client.force_login(qian)  # a maintenance electrician: not his inspection
    assert acme_client.get(url).status_code == 404
    assert globex_client.get(url).status_code in (302, 404)  # signed out there: to login


def test_guidance_images_only_for_people_who_inspect(acme_client, zhao, zhang, in_acme):
    from django.core.files.base import ContentFile

    from safeloop.tenants.inspections.models import CheckItem
    from tests.inspections.conftest import make_photo

    item = CheckItem.objects.first()
    item.guidance_image.save("good.jpg", ContentFile(make_photo().read()))
    url = reverse("inspections:guidance_image", args=[item.pk])

    acme_client.force_login(zhao)  # a verifier does not inspect
    assert acme_client.get(url).status_code == 404
    acme_client.force_login(zhang)
    assert acme_client.get(url).status_code == 200
