"""The supplier's link (/s/<token>/) seen from the managers' side: when the supplier
last opened it, and sending it again by SMS when the supplier lost it.

The link is signed, not stored (:func:`suppliers.supplier_link_token`): every send
carries a freshly signed one, good for the full 40 days. The SMS goes through the
reminders' outbox (a :class:`SupplierReminder` row of stage "link", sent and retried
like the deadline reminders), so the supplier's page lists it with the others and a
failed gateway is tried again by the next scan.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from safeloop.access import ensure_can
from safeloop.contractors.models import ReminderStage, Supplier, SupplierReminder
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.services.supplier_reminders import _hurry, _link
from safeloop.contractors.services.suppliers import SupplierErrorCode
from safeloop.platform.errors import field_error
from safeloop.tenants.audit.services import record_event

# Opening the link writes at most once in this long: a busy supplier is not a write
# per page view, and "last opened" is still right to within minutes.
LINK_USE_RESOLUTION = timedelta(minutes=5)


def note_link_used(supplier: Supplier, *, now: datetime | None = None) -> None:
    """Remember that the supplier opened its link just now."""
    now = now or timezone.now()
    Supplier.objects.filter(pk=supplier.pk).filter(
        Q(link_used_at__isnull=True) | Q(link_used_at__lt=now - LINK_USE_RESOLUTION)
    ).update(link_used_at=now)


def _text(supplier: Supplier) -> str:
    tenant = getattr(connection, "tenant", None)
    text = _(
        "%(name)s: here is your link for the monthly safety self-inspection report"
        " to %(enterprise)s:"
    ) % {
        "name": supplier.contact_name or supplier.name,
        "enterprise": getattr(tenant, "name", ""),
    }
    return f"{text} {_link(supplier)}"


@transaction.atomic
def send_supplier_link(supplier: Supplier, *, by, now: datetime | None = None) -> SupplierReminder:
    """Send the supplier its link again by SMS (at most once a day: a second press the
    same day is refused, so a double tap sends one message)."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if not supplier.active:
        raise field_error(
            "supplier", _("This supplier is no longer active."), SupplierErrorCode.INACTIVE
        )
    phone = (supplier.phone or "").strip()
    if not phone:
        raise field_error(
            "phone",
            _("No phone number on file for this supplier: add one to send the link by SMS."),
            SupplierErrorCode.REQUIRED,
        )
    now = now or timezone.now()
    # The supplier reads it, not the manager: the enterprise's language, as reminders.
    tenant = getattr(connection, "tenant", None)
    with translation.override(getattr(tenant, "default_language", None) or settings.LANGUAGE_CODE):
        text = _text(supplier)[:300]
    try:
        with transaction.atomic():
            reminder = SupplierReminder.objects.create(
                supplier=supplier,
                period=timezone.localdate(now),
                stage=ReminderStage.LINK,
                phone=phone,
                text=text,
                created_at=now,
                next_attempt_at=timezone.now(),
            )
    except IntegrityError:
        raise field_error(
            "phone",
            _("The link was already sent to this supplier by SMS today."),
            SupplierErrorCode.TAKEN,
        ) from None
    record_event(supplier, "contractors.supplier_link_sent", by=by, reminder=reminder.pk, sms=True)
    schema = connection.schema_name
    transaction.on_commit(lambda: _hurry(reminder.pk, schema))
    return reminder
