"""Absolute URLs on the current tenant's host, for messages that leave the browser."""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def tenant_absolute_url(path: str) -> str:
    tenant = getattr(connection, "tenant", None)
    host = getattr(tenant, "host", None) or settings.SAFELOOP_BASE_DOMAIN
    port = settings.SAFELOOP_PUBLIC_PORT
    suffix = f":{port}" if port and str(port) not in ("80", "443") else ""
    return f"{settings.SAFELOOP_SCHEME}://{host}{suffix}{path}"
