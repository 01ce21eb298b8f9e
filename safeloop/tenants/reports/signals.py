"""Sent after a tenant's KPI snapshot is stored: the platform copies it to the
public table that group HQ and regulator pages read (one table across tenants)."""

from django.dispatch import Signal

# kwargs: snapshot (KpiSnapshot), schema_name (str)
kpis_snapshotted = Signal()
