"""File storage keyed by tenant: every key starts with the tenant's schema name.

The prefix is part of the name saved in the database, so a view serving a
file can check that it belongs to the tenant of the request.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.db import connection
from storages.backends.s3 import S3Storage


def current_schema() -> str:
    return getattr(connection, "schema_name", None) or "public"


def belongs_to_current_tenant(name: str) -> bool:
    return name.startswith(current_schema() + "/")


class TenantKeyMixin:
    def generate_filename(self, filename: str) -> str:
        filename = super().generate_filename(filename)
        prefix = current_schema() + "/"
        return filename if filename.startswith(prefix) else prefix + filename


class TenantFileSystemStorage(TenantKeyMixin, FileSystemStorage):
    """Local files under MEDIA_ROOT/<schema>/..., the embedded default."""


class TenantS3Storage(TenantKeyMixin, S3Storage):
    """S3 (or any S3-compatible store) with keys under <schema>/; private, presigned URLs."""

    default_acl = None
    querystring_auth = True
    file_overwrite = False


def _tenant_prefix(schema_name: str) -> str:
    if not schema_name or schema_name == "public" or "/" in schema_name or "." in schema_name:
        raise ValueError(f"not a tenant schema: {schema_name!r}")
    return f"{schema_name}/"


def sizes_of(schema_name: str, storage=None) -> dict[str, int]:
    """Every file key of ``schema_name`` in ``storage`` (the default storage) and its
    bytes: one listing of the bucket on S3, one walk of the folder on disk."""
    from django.core.files.storage import default_storage

    storage = storage or default_storage
    prefix = _tenant_prefix(schema_name)
    if isinstance(storage, S3Storage):
        return {obj.key: obj.size for obj in storage.bucket.objects.filter(Prefix=prefix)}
    root = Path(storage.path(prefix))
    if not root.is_dir():
        return {}
    return {
        prefix + path.relative_to(root).as_posix(): path.stat().st_size
        for path in root.rglob("*")
        if path.is_file()
    }


def files_of(schema_name: str) -> tuple[int, int]:
    """How many files ``schema_name`` has in the default storage, and their bytes."""
    sizes = sizes_of(schema_name)
    return len(sizes), sum(sizes.values())


def delete_files_of(schema_name: str) -> tuple[int, int]:
    """Delete every file of ``schema_name`` (its erasure); how many and their bytes."""
    from django.core.files.storage import default_storage

    prefix = _tenant_prefix(schema_name)
    count, size = files_of(schema_name)
    if isinstance(default_storage, S3Storage):
        default_storage.bucket.objects.filter(Prefix=prefix).delete()
    else:
        root = Path(default_storage.path(prefix))
        if root.is_dir():
            shutil.rmtree(root)
    return count, size
