"""Taking the daily KPI snapshot of the current tenant (beat, nightly; or on demand)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from safeloop.tenants.reports import kpis
from safeloop.tenants.reports.models import KpiSnapshot
from safeloop.tenants.reports.signals import kpis_snapshotted


def yesterday() -> date:
    return timezone.localdate() - timedelta(days=1)


@transaction.atomic
def take_snapshot(day: date | None = None) -> KpiSnapshot:
    """Compute ``day``'s KPIs (default: yesterday, the last whole day) and store them,
    replacing an earlier snapshot of the same day; the public copy follows."""
    day = day or yesterday()
    snapshot, _ = KpiSnapshot.objects.update_or_create(
        day=day, defaults={"values": kpis.compute(day), "computed_at": timezone.now()}
    )
    kpis_snapshotted.send(sender=KpiSnapshot, snapshot=snapshot, schema_name=connection.schema_name)
    return snapshot


def _recipients() -> list[str]:
    """Who gets the monthly report by e-mail: the safety managers, the principal and
    whoever else the enterprise named (``ReportSettings.monthly_recipients``)."""
    from safeloop.access import Role
    from safeloop.tenants.facilities.selectors import people_with_role
    from safeloop.tenants.reports.models import ReportSettings

    emails = []
    for role in (Role.SAFETY_MANAGER, Role.PRINCIPAL):
        for person in people_with_role(role):
            if person.user.email and person.user.email not in emails:
                emails.append(person.user.email)
    for email in ReportSettings.current().monthly_recipients:
        if email not in emails:
            emails.append(email)
    return emails


MAX_RECIPIENTS = 20


@transaction.atomic
def set_monthly_recipients(raw: str, *, by):
    """Name who else gets the monthly report: e-mail addresses, one per line or
    separated by commas or spaces. A bad address refuses the whole list, naming it."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.utils.translation import gettext as _

    from safeloop.access import ensure_can, permission
    from safeloop.tenants.audit.services import record_event
    from safeloop.tenants.reports.models import ReportSettings

    ensure_can(by, permission("risks.manage"))
    emails: list[str] = []
    for item in raw.replace(",", " ").replace("，", " ").replace(";", " ").split():
        email = item.strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                _("“%(email)s” is not an e-mail address.") % {"email": item}, code="bad_email"
            ) from None
        if email not in emails:
            emails.append(email)
    if len(emails) > MAX_RECIPIENTS:
        raise ValidationError(
            _("At most %(n)d addresses.") % {"n": MAX_RECIPIENTS}, code="too_many"
        )
    settings = ReportSettings.current()
    before = list(settings.monthly_recipients)
    settings.monthly_recipients = emails
    settings.save()
    record_event(settings, "reports.recipients_set", by=by, before=before, after=emails)
    return settings


@transaction.atomic
def generate_monthly_report(first: date | None = None, *, by=None, send: bool = True):
    """Build (or rebuild) the report of the month starting ``first`` (default: last
    month), store its PDF and XLSX in the archive, and e-mail the PDF. A month that has
    not ended yet is refused: its figures would change."""
    from django.core.exceptions import ValidationError
    from django.core.files.base import ContentFile
    from django.core.mail import EmailMessage
    from django.db import connection as db
    from django.utils.translation import gettext as _

    from safeloop.access import ensure_can, permission
    from safeloop.tenants.audit.services import record_event
    from safeloop.tenants.reports import monthly
    from safeloop.tenants.reports.models import MonthlyReport

    if by is not None:
        ensure_can(by, permission("risks.manage"))
    first = (first or monthly.previous_month()).replace(day=1)
    if first > monthly.previous_month():
        raise ValidationError(_("A month is reported once it is over."), code="month_not_over")
    figures = monthly.monthly_figures(first)
    name = getattr(db.tenant, "name", "") or db.schema_name
    pdf = monthly.report_pdf(name, figures)
    report, _created = MonthlyReport.objects.get_or_create(month=first)
    for old in (report.pdf, report.xlsx):
        if old:
            old.delete(save=False)
    stem = f"closed-loop-{first:%Y-%m}"
    report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    report.xlsx.save(f"{stem}.xlsx", ContentFile(monthly.report_xlsx(figures)), save=False)
    report.figures = figures.as_dict()
    report.generated_at = timezone.now()
    report.sent_to = []
    if send and (to := _recipients()):
        message = EmailMessage(
            subject=f"隐患闭环健康度报告 {figures.month} — {name}",
            body=_("The closed-loop health report of %(month)s is attached.")
            % {"month": figures.month},
            to=to,
        )
        message.attach(f"{stem}.pdf", pdf, "application/pdf")
        message.send()
        report.sent_to = to
    report.save()
    record_event(
        report, "reports.monthly_generated", by=by, month=figures.month, sent_to=report.sent_to
    )
    return report
