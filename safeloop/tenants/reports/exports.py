"""Exporting all the enterprise's data: asking for it, building it, keeping it a week.

The admin asks (``request_export``); a worker builds the ZIP (``build_export``, the
``build_data_export`` task) into a temporary file and stores it under the tenant's
``exports/``; the page shows its progress and serves it. One export runs at a time.

The task is sent after the request commits. When the broker cannot take it (Redis
down), the web process builds it on a thread of its own instead: the export still
completes, and the admin is not kept waiting. A build claims its row before it starts,
so a message the broker delivers twice, or late, builds nothing twice.

A ZIP is kept ``KEEP_DAYS`` days: the nightly cleanup (beat) deletes older ones, and
so does each new request and build; the rows stay as the record of who exported when.
A workspace whose subscription lapsed can still export (its data is its own).
"""

from __future__ import annotations

import logging
import tempfile
import threading
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safeloop.access import ensure_can
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.reports.models import DataExport, ExportStatus
from safeloop.tenants.reports.permissions import ReportPerm

log = logging.getLogger("safeloop.reports.exports")

KEEP_DAYS = 7
# A build moves its heartbeat at least this often (each file, each ledger)…
HEARTBEAT_SECONDS = 2
# …so one whose heartbeat stopped this long ago was killed with its worker.
STALE_AFTER = timedelta(minutes=15)


class ExportErrorCode:
    RUNNING = "export_running"


def _lock() -> None:
    """One request at a time per tenant decides whether an export is running."""
    with connection.cursor() as cursor:
        key = f"reports.export:{connection.schema_name}"
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [key])


def _is_stale(export: DataExport, now) -> bool:
    last = export.heartbeat_at or export.requested_at
    return export.is_active and last < now - STALE_AFTER


@transaction.atomic
def request_export(*, by) -> DataExport:
    """Queue an export of all the enterprise's data, asked for by ``by`` (an admin).

    Refused while another export is queued or running; one that stopped moving (its
    worker was killed) is marked failed and no longer stands in the way."""
    ensure_can(by, ReportPerm.REPORTS_EXPORT_ALL)
    _lock()
    now = timezone.now()
    for export in DataExport.objects.filter(
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]
    ).select_for_update():
        if not _is_stale(export, now):
            raise ValidationError(
                _("An export is already being made. Wait until it is done."),
                code=ExportErrorCode.RUNNING,
            )
        _fail(export, _("Interrupted: the export stopped before it was done."))
    delete_old_exports(now)
    export = DataExport.objects.create(
        requested_by=by, requested_at=now, language=translation.get_language() or ""
    )
    record_event(export, "reports.export_requested", by=by)
    schema = connection.schema_name
    transaction.on_commit(lambda: start_build(export.pk, schema))
    return export


def start_build(export_id: int, schema: str) -> None:
    """Send the build to a worker; when the broker cannot take it, build it here on a
    thread of its own (eager tasks, in tests and one-process runs, build at once)."""
    from safeloop.tenants.reports.tasks import build_data_export

    try:
        build_data_export.apply_async(
            args=[export_id], headers={"_schema_name": schema}, retry=False
        )
    except Exception as exc:  # noqa: BLE001 — any broker failure: build it here
        log.warning(
            "Could not queue data export %s in schema %s (%s: %s); building it in this process",
            export_id,
            schema,
            type(exc).__name__,
            exc,
        )
        thread = threading.Thread(
            target=build_in_thread, args=(export_id, schema), name=f"export-{schema}", daemon=True
        )
        thread.start()


def build_in_thread(export_id: int, schema: str) -> None:
    from django_tenants.utils import get_tenant_model, tenant_context

    try:
        with tenant_context(get_tenant_model().objects.get(schema_name=schema)):
            build_export(export_id)
    except Exception:  # a thread has nobody to tell but the log
        log.exception("Data export %s in schema %s failed", export_id, schema)
    finally:
        connections.close_all()  # this thread's connections only


def _claim(export_id: int) -> DataExport | None:
    """The export, marked running by this build; None when another build has it."""
    now = timezone.now()
    with transaction.atomic():
        export = DataExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None:
            return None
        if export.status != ExportStatus.QUEUED and not (
            export.status == ExportStatus.RUNNING and _is_stale(export, now)
        ):
            return None  # built already, or being built by a live worker
        export.status = ExportStatus.RUNNING
        export.started_at = export.heartbeat_at = now
        export.done = export.total = 0
        export.save(update_fields=["status", "started_at", "heartbeat_at", "done", "total"])
    return export


def _progress(export: DataExport):
    """Write ``done``/``total`` (and the heartbeat) at most every HEARTBEAT_SECONDS."""
    last = [timezone.now()]

    def report(done: int, total: int) -> None:
        now = timezone.now()
        if (now - last[0]).total_seconds() < HEARTBEAT_SECONDS and done < total:
            return
        last[0] = now
        DataExport.objects.filter(pk=export.pk).update(done=done, total=total, heartbeat_at=now)

    return report


def _language(export: DataExport) -> str:
    tenant = getattr(connection, "tenant", None)
    return export.language or getattr(tenant, "default_language", "") or "zh-hans"


def zip_name(export: DataExport) -> str:
    when = timezone.localtime(export.started_at or export.requested_at)
    return f"safeloop-{connection.schema_name}-{when:%Y%m%d-%H%M%S}.zip"


def build_export(export_id: int) -> DataExport | None:
    """Build the export's ZIP (the task's body); a failure is recorded on the row."""
    from safeloop.tenants.reports.archive import build_archive

    export = _claim(export_id)
    if export is None:
        return None
    by = export.requested_by
    try:
        with translation.override(_language(export)), tempfile.TemporaryFile() as tmp:
            contents = build_archive(
                tmp,
                requested_by=(by.get_full_name() or by.email) if by else "",
                now=export.started_at,
                progress=_progress(export),
            )
            tmp.seek(0)
            name = zip_name(export)
            export.file.save(name, File(tmp, name=name), save=False)
            export.size = export.file.size
    except Exception as exc:
        log.exception("Data export %s failed", export.pk)
        with translation.override(_language(export)):
            _fail(export, _("The export failed: %(error)s") % {"error": exc})
        return export
    export.status = ExportStatus.DONE
    export.finished_at = timezone.now()
    export.done = export.total = contents.steps
    export.save()
    record_event(
        export,
        "reports.export_done",
        size=export.size,
        hazards=contents.hazards,
        inspections=contents.inspections,
        risk_points=contents.risk_points,
        files=contents.files,
        missing=len(contents.missing),
    )
    delete_old_exports()
    return export


def _fail(export: DataExport, message: str) -> None:
    export.status = ExportStatus.FAILED
    export.finished_at = timezone.now()
    export.error = message[:2000]
    if export.file:
        export.file.delete(save=False)
    export.save()
    record_event(export, "reports.export_failed", error=export.error)


def delete_old_exports(now=None) -> int:
    """Delete the ZIPs made more than KEEP_DAYS ago (the rows stay); how many."""
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    count = 0
    for export in DataExport.objects.filter(requested_at__lt=cutoff).exclude(file=""):
        export.file.delete(save=False)
        export.save(update_fields=["file"])
        count += 1
    return count


def is_downloadable(export: DataExport, now=None) -> bool:
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    done = export.status == ExportStatus.DONE and bool(export.file)
    return done and export.requested_at >= cutoff
