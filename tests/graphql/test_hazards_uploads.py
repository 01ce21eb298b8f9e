"""Photos arrive as multipart uploads (the GraphQL multipart request spec), as a
phone's browser sends them; the services check, resize and stamp them, and a
file that is not a photo comes back as a payload error on the field it came in.

Zhang (operator) reports from W1-A1; Ma, the fitter, fixes what is routed to him.
"""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safeloop.tenants.facilities.models import Area
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import Hazard, LibraryEntry, State
from tests.graphql.conftest import run
from tests.graphql.test_hazards_mutations import REPORT, SUBMIT, as_user, codes, gid, run_with_files
from tests.hazards.conftest import make_photo, make_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def guard(zhang) -> Hazard:
    """Zhang's report of a missing guard in W1-A1, assigned to Ma."""
    return services.report_hazard(
        by=zhang,
        area=Area.objects.get(code="W1-A1"),
        library_entry=LibraryEntry.objects.get(code="MECH-004"),
    )


def test_report_with_photos_by_multipart_upload(acme_client, zhang):
    area = Area.objects.get(code="W1-A1")

    payload = run_with_files(
        as_user(acme_client, zhang),
        REPORT,
        {"input": {"area": gid(area), "description": "Oil on the floor", "isNearMiss": True}},
        {"photos": [make_photo("site.jpg"), make_photo("surroundings.jpg", fmt="PNG")]},
    )["reportHazard"]

    assert payload["errors"] == []
    assert payload["hazard"]["isNearMiss"] is True
    assert [p["stage"] for p in payload["hazard"]["photos"]] == ["REPORT", "REPORT"]
    assert Hazard.objects.get(number=payload["number"]).photos.count() == 2


def test_report_with_four_photos_is_refused(acme_client, zhang):
    area = Area.objects.get(code="W1-A1")

    payload = run_with_files(
        as_user(acme_client, zhang),
        REPORT,
        {"input": {"area": gid(area), "description": "Too many"}},
        {"photos": [make_photo(f"{n}.jpg", size=(40, 30)) for n in range(4)]},
    )["reportHazard"]

    assert codes(payload) == [("photos", "too_many_photos")]
    assert not Hazard.objects.exists()


def _png_claiming(width: int, height: int) -> SimpleUploadedFile:
    """A few hundred bytes of PNG whose header claims ``width`` x ``height`` pixels,
    as an attacker's decompression bomb does (its data would inflate to gigabytes)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024)

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    body = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)
    return SimpleUploadedFile("bomb.png", body + chunk(b"IEND", b""), content_type="image/png")


@pytest.mark.parametrize("edge", [20_000, 10_000])
def test_a_photo_claiming_too_many_pixels_is_refused_before_decoding(acme_client, zhang, edge):
    area = Area.objects.get(code="W1-A1")

    response = run_with_files(
        as_user(acme_client, zhang),
        REPORT,
        {"input": {"area": gid(area), "description": "Bomb"}},
        {"photos": [_png_claiming(edge, edge)]},
    )
    payload = response["reportHazard"]

    assert codes(payload) == [("photos", "photo_too_large")]
    assert "64" in payload["errors"][0]["message"]  # the limit, in Zhang's language
    assert not Hazard.objects.exists()


def test_report_with_a_file_that_is_not_a_photo_is_refused(acme_client, zhang):
    area = Area.objects.get(code="W1-A1")
    not_a_photo = SimpleUploadedFile("notes.jpg", b"not really a jpeg", content_type="image/jpeg")

    payload = run_with_files(
        as_user(acme_client, zhang),
        REPORT,
        {"input": {"area": gid(area), "description": "Broken ladder"}},
        {"photos": [not_a_photo]},
    )["reportHazard"]

    assert codes(payload) == [("photos", "photo_invalid")]
    assert not Hazard.objects.exists()


def test_rectification_without_signature_or_photos_is_refused(acme_client, ma, guard):
    as_user(acme_client, ma)
    unsigned = run_with_files(
        acme_client,
        SUBMIT,
        {"input": {"id": gid(guard), "description": "Done", "signature": ""}},
        {"afterPhotos": [make_photo(size=(40, 30))]},
    )["submitRectification"]
    no_photos = run(
        acme_client,
        SUBMIT,
        {
            "input": {
                "id": gid(guard),
                "description": "",
                "afterPhotos": [],
                "signature": make_signature(),
            }
        },
    )["submitRectification"]

    assert codes(unsigned) == [("signature", "signature_missing")]
    assert sorted(codes(no_photos)) == [("afterPhotos", "required"), ("description", "required")]
    assert Hazard.objects.get(pk=guard.pk).state == State.ASSIGNED


def test_broken_after_photo_is_reported_on_after_photos(acme_client, ma, guard):
    broken = SimpleUploadedFile("after.jpg", b"\xff\xd8 broken", content_type="image/jpeg")

    payload = run_with_files(
        as_user(acme_client, ma),
        SUBMIT,
        {"input": {"id": gid(guard), "description": "Done", "signature": make_signature()}},
        {"afterPhotos": [broken]},
    )["submitRectification"]

    assert codes(payload) == [("afterPhotos", "photo_invalid")]
