"""Which enterprise a host name belongs to, asked of the database once per process and TTL.

django-tenants looks the Domain and its Enterprise up on every request; at a
shift start every page of every worker pays that query for an answer that
changes once in months. Each process keeps the answer per exact host name for
``SAFELOOP_TENANT_CACHE_SECONDS`` (0 turns the cache off):

* a saved or deleted Enterprise or Domain empties this process's cache at once
  (signals); other processes follow within the TTL, which bounds how long a
  removed or renamed domain keeps routing;
* an unknown host is not remembered, so a new enterprise routes at once;
* keyed by the exact host name and handing out a copy of the row, so no request
  can see another host's tenant nor change what the next request gets.
"""

from __future__ import annotations

import copy
import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django_tenants.middleware.main import TenantMainMiddleware

from safeloop.platform.models import Domain, Enterprise

# host name → (monotonic expiry, Enterprise)
_hosts: dict[str, tuple[float, Enterprise]] = {}


def tenant_for_host(hostname: str) -> Enterprise:
    """The enterprise served on ``hostname``; raises Domain.DoesNotExist for none."""
    ttl = settings.SAFELOOP_TENANT_CACHE_SECONDS
    now = time.monotonic()
    hit = _hosts.get(hostname)
    if hit is not None and hit[0] > now:
        return copy.copy(hit[1])
    tenant = Domain.objects.select_related("tenant").get(domain=hostname).tenant
    if ttl > 0:
        _hosts[hostname] = (now + ttl, copy.copy(tenant))
    else:
        _hosts.pop(hostname, None)
    return tenant


def forget_hosts(**_kwargs) -> None:
    _hosts.clear()


for _model in (Domain, Enterprise):
    post_save.connect(forget_hosts, sender=_model, dispatch_uid=f"routing-{_model.__name__}")
    post_delete.connect(forget_hosts, sender=_model, dispatch_uid=f"routing-del-{_model.__name__}")


class CachedTenantMiddleware(TenantMainMiddleware):
    """TenantMainMiddleware whose host → tenant lookup goes through tenant_for_host()."""

    def get_tenant(self, domain_model, hostname):
        return tenant_for_host(hostname)
