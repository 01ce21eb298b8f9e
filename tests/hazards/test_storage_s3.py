"""On S3, photos are stored under the tenant's schema and served by presigned redirect.

A moto S3 server runs in this process; SafeLoop's TenantS3Storage talks to it
over HTTP exactly as it would to AWS or MinIO.
"""

from __future__ import annotations

import socket
import urllib.request

import boto3
import pytest
from django.core.files.storage import default_storage, storages
from moto.server import ThreadedMotoServer

from safeloop.platform.storage import TenantS3Storage
from safeloop.tenants.hazards.models import Hazard, HazardPhoto, LibraryEntry
from tests.hazards.conftest import make_photo

pytestmark = pytest.mark.django_db

BUCKET = "safeloop-test"
KEY_ID = "testing-key"
SECRET = "testing-secret"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    yield endpoint
    server.stop()


@pytest.fixture
def s3(s3_endpoint):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )
    client.create_bucket(Bucket=BUCKET)
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def s3_storage(s3, s3_endpoint, settings, monkeypatch):
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_S3_ACCESS_KEY_ID = KEY_ID
    settings.AWS_S3_SECRET_ACCESS_KEY = SECRET
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "safeloop.platform.storage.TenantS3Storage"},
    }
    # Django drops its cached storages when STORAGES changes (django/test/signals.py)…
    storage = storages["default"]
    assert isinstance(storage, TenantS3Storage) and default_storage.bucket_name == BUCKET
    # …but a model field binds its storage when the model class is created.
    monkeypatch.setattr(HazardPhoto._meta.get_field("image"), "storage", storage)
    return storage


def test_photo_goes_to_s3_under_the_schema_and_is_served_by_presigned_url(
    acme_client, zhang, w1_area, s3, s3_storage
):
    # given Zhang reports a hazard with one photo from the QR page
    acme_client.force_login(zhang)
    entry = LibraryEntry.objects.get(code="MECH-001")
    sent = acme_client.post(
        f"/q/{w1_area.qr_token}/",
        {
            "photos": [make_photo("site.jpg", size=(400, 300))],
            "library_entry": entry.pk,
            "shift": "day",
        },
    )
    assert sent.status_code == 302

    # then the object lands in the bucket under the tenant's schema
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    photo = Hazard.objects.get().photos.get()
    assert keys == [photo.image.name]
    assert keys[0].startswith("acme/hazards/")

    # when the photo is asked for, the answer is a short-lived presigned URL
    response = acme_client.get(f"/h/photo/{photo.pk}/")
    assert response.status_code == 302
    assert response["Cache-Control"].startswith("private")
    location = response["Location"]
    assert location.startswith(f"{s3_storage.endpoint_url}/{BUCKET}/acme/hazards/")
    assert "Signature=" in location
    with urllib.request.urlopen(location, timeout=10) as fetched:
        body = fetched.read()
    assert body[:2] == b"\xff\xd8"
    assert body == s3.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read()


def test_s3_photo_is_not_redirected_for_someone_who_cannot_see_it(
    acme_client, li, zhang, w1_area, s3_storage
):
    from safeloop.tenants.hazards import services

    hazard = services.report_hazard(
        by=li,
        area=w1_area,
        library_entry=LibraryEntry.objects.get(code="MECH-001"),
        photos=[make_photo("site.jpg", size=(400, 300))],
    )
    acme_client.force_login(zhang)

    response = acme_client.get(f"/h/photo/{hazard.photos.get().pk}/")

    assert response.status_code == 404
