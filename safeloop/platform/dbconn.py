"""A PostgreSQL backend keeps the catalog entries of every relation it has touched.

With a schema per tenant that is some 1,000 relations a tenant: a process that
clones tenants one after another on one connection grew its backend to 410 MB
at 125 tenants and took 2.4 s a signup instead of 1.1 s (sinval resets rebuild
the whole cache; tests/perf/bench_provisioning.py --bulk). Loops over tenants
hand the connection back now and then, and the next query opens a fresh one.
"""

from __future__ import annotations

from django.db import connection


def shed_catalog_cache() -> bool:
    """Close the default connection unless a transaction still needs it; True if closed."""
    if connection.in_atomic_block:
        return False
    connection.close()
    return True
