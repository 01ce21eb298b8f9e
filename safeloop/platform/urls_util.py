"""Absolute URLs for what leaves the browser: QR labels, risk cards, e-mails,
chat-robot messages, inbox links, the verifier's QR.

Every such URL is built here, from SAFELOOP_SCHEME, the host and
SAFELOOP_PUBLIC_PORT (which ``safeloop run`` sets to the port it serves on
unless it is set already), so a label printed off port 80 still opens.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection

DEFAULT_PORTS = {"http": "80", "https": "443"}


def origin(host: str, *, scheme: str | None = None, port: str | int | None = None) -> str:
    """``scheme://host[:port]`` with the public scheme and port; no port when it is
    the scheme's default."""
    scheme = scheme or settings.SAFELOOP_SCHEME
    port = str(settings.SAFELOOP_PUBLIC_PORT if port is None else port or "")
    suffix = f":{port}" if port and port != DEFAULT_PORTS.get(scheme) else ""
    return f"{scheme}://{host}{suffix}"


def public_url(path: str, *, host: str | None = None) -> str:
    """``path`` as an absolute URL on ``host``: the current tenant's host by default
    (the base domain in the public schema)."""
    if host is None:
        from django.db import connection

        tenant = getattr(connection, "tenant", None)
        host = getattr(tenant, "host", None) or settings.SAFELOOP_BASE_DOMAIN
    return f"{origin(host)}{path}"


def tenant_absolute_url(path: str) -> str:
    """``path`` on the current tenant's host (see ``public_url``)."""
    return public_url(path)


def tenant_hosts() -> set[str]:
    """The host names this enterprise is served on (its sub-domain and its domains)."""
    from safeloop.platform.models import Domain

    tenant = getattr(connection, "tenant", None)
    if tenant is None or not getattr(tenant, "pk", None):
        return set()
    hosts = {tenant.host.lower()}
    domains = Domain.objects.filter(tenant_id=tenant.pk).values_list("domain", flat=True)
    hosts.update(d.lower() for d in domains)
    return hosts
