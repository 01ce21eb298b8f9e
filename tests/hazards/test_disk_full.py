"""The media disk fills up while Zhang sends a report with two photos: the
first photo still fits, the second does not. He reads that the photos could
not be saved and nothing was submitted; no hazard is half-filed, nobody is
told of one, and no photo file is left behind on the disk. Ma's rectification
and the API answer the same way; a storage that is not there at all (a
read-only volume) says so with its own code.

The media folder is a real 512 KB tmpfs mounted for the test (the tests run as
root in CI and in the dev container), filled up to the last 64 KB.
"""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from safeloop.tenants.alerts.models import Notification
from safeloop.tenants.facilities.models import Area
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import Hazard, LibraryEntry, State
from tests.graphql.test_hazards_mutations import REPORT, SUBMIT, as_user, codes, gid, run_with_files
from tests.hazards.conftest import make_photo, make_signature

pytestmark = pytest.mark.django_db

ROOM = 64 * 1024  # what the full disk has left: a small photo, not a real one


def _mount(root: Path, *options: str) -> None:
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", ",".join(["size=512k", *options]), "tmpfs", str(root)],
        check=True,
    )


@pytest.fixture
def full_disk(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    _mount(root)
    try:
        free = os.statvfs(root).f_bavail * os.statvfs(root).f_frsize
        (root / "filler").write_bytes(b"\0" * (free - ROOM))
        settings.MEDIA_ROOT = str(root)
        yield root
    finally:
        subprocess.run(["umount", str(root)], check=True)


@pytest.fixture
def read_only_disk(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    _mount(root, "ro")
    try:
        settings.MEDIA_ROOT = str(root)
        yield root
    finally:
        subprocess.run(["umount", str(root)], check=True)


def _photo_files(root: Path) -> list[str]:
    return sorted(
        str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != "filler"
    )


def _small_and_large() -> list[SimpleUploadedFile]:
    """A tiny photo (a few KB stored) and a real one of noise (hundreds of KB stored)."""
    noise = Image.frombytes("RGB", (1600, 1200), os.urandom(1600 * 1200 * 3))
    out = io.BytesIO()
    noise.save(out, format="JPEG", quality=95)
    large = SimpleUploadedFile("site.jpg", out.getvalue(), content_type="image/jpeg")
    return [make_photo("plate.jpg", size=(40, 30)), large]


def test_a_full_disk_on_the_qr_page_says_so_and_files_nothing(as_zhang, full_disk):
    area = Area.objects.get(code="W1-A1")
    told = Notification.objects.count()

    page = as_zhang.post(
        f"/q/{area.qr_token}/",
        {"shift": "day", "description": "Oil on the floor", "photos": _small_and_large()},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert page.status_code == 200
    assert any("照片没能保存" in e or "storage is full" in e for e in page.context["photo_errors"])
    assert not Hazard.objects.exists() and Notification.objects.count() == told
    assert _photo_files(full_disk) == []


def test_a_full_disk_through_the_api_is_a_storage_full_error(acme_client, zhang, full_disk):
    area = Area.objects.get(code="W1-A1")

    payload = run_with_files(
        as_user(acme_client, zhang),
        REPORT,
        {"input": {"area": gid(area), "description": "Oil on the floor"}},
        {"photos": _small_and_large()},
    )["reportHazard"]

    assert codes(payload) == [("photos", "storage_full")]
    assert payload["hazard"] is None and not Hazard.objects.exists()
    assert _photo_files(full_disk) == []


def test_a_rectification_on_a_full_disk_stays_unsubmitted(acme_client, zhang, ma, full_disk):
    guard = services.report_hazard(
        by=zhang,
        area=Area.objects.get(code="W1-A1"),
        library_entry=LibraryEntry.objects.get(code="MECH-004"),
    )

    payload = run_with_files(
        as_user(acme_client, ma),
        SUBMIT,
        {
            "input": {
                "id": gid(guard),
                "description": "Guard refitted",
                "signature": make_signature(),
            }
        },
        {"afterPhotos": _small_and_large()},
    )["submitRectification"]

    assert codes(payload) == [("afterPhotos", "storage_full")]
    guard.refresh_from_db()
    assert guard.state == State.ASSIGNED and not guard.rectifications.exists()
    assert _photo_files(full_disk) == []


def test_a_storage_that_is_not_there_is_storage_unavailable(acme_client, zhang, read_only_disk):
    area = Area.objects.get(code="W1-A1")

    payload = run_with_files(
        as_user(acme_client, zhang),
        REPORT,
        {"input": {"area": gid(area), "description": "Oil on the floor"}},
        {"photos": [make_photo(size=(40, 30))]},
    )["reportHazard"]

    assert codes(payload) == [("photos", "storage_unavailable")]
    assert not Hazard.objects.exists()
