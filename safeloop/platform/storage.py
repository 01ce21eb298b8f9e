"""File storage keyed by tenant: every key starts with the tenant's schema name.

The prefix is part of the name saved in the database, so a view serving a
file can check that it belongs to the tenant of the request.
"""

from __future__ import annotations

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
