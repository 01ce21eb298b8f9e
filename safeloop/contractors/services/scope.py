"""Which contractor and supplier rows a viewer may see: the one rule, for the API and
for pages.

* People who run the site's safety (``contractors.view``) see every company and
  supplier; ID numbers stay masked unless a service reveals one (audited).
* A gate guard (``contractors.gate_check``) sees what the gate shows: companies,
  workers, their passes and the gate log; no projects, certificates or suppliers.
* A crew lead (``contractors.crew_portal``) sees their own company only: the
  company they work for as a ``ContractorWorker`` whose person they sign in as.
* A supplier's contact sees their own supplier row and its reports only: the
  active ``Supplier`` whose ``account`` is their person.
* Everyone else sees nothing.

Every function takes the queryset to narrow (a list, a lookup, or a prefetch the
GraphQL optimizer builds) and filters it with a subquery, so the scope costs no query
of its own and a list reads in the same number of queries for 2 rows or 2,000.
"""

from __future__ import annotations

from django.db.models import QuerySet

from safeloop.access import can
from safeloop.contractors.models import (
    ContractorCompany,
    ContractorWorker,
    Crew,
    GateEvent,
    Project,
    Qualification,
    ReportAttachment,
    ReportItem,
    SelfInspectionReport,
    SitePass,
    SpecialCertificate,
    Supplier,
)
from safeloop.contractors.permissions import ContractorPerm
from safeloop.tenants.facilities.models import PersonKind

VIEW = ContractorPerm.CONTRACTOR_VIEW
GATE = ContractorPerm.GATE_CHECK
CREW = ContractorPerm.CREW_PORTAL


def _signed_in(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def own_company_ids(user) -> QuerySet:
    """The crew lead's company, as a subquery (empty for anybody else)."""
    if not can(user, CREW):
        return ContractorCompany.objects.none().values("pk")
    return ContractorWorker.objects.filter(person__user_id=user.pk).values("company_id")


def _own_supplier_ids(user) -> QuerySet:
    if not _signed_in(user):
        return Supplier.objects.none().values("pk")
    return Supplier.objects.filter(
        active=True, account__user_id=user.pk, account__kind=PersonKind.SUPPLIER
    ).values("pk")


def company_of(user) -> ContractorCompany | None:
    """The company a crew lead answers for; None for anybody else."""
    return ContractorCompany.objects.filter(pk__in=own_company_ids(user)).first()


def supplier_of(user) -> Supplier | None:
    """The active supplier whose account ``user`` signs in as; None for anybody else."""
    return Supplier.objects.filter(pk__in=_own_supplier_ids(user)).first()


def _of_companies(user, queryset: QuerySet, company: str, *, everyone: tuple = (VIEW,)) -> QuerySet:
    """``queryset`` for those who see every company, the crew lead's own rows (reached
    through the ``company`` lookup), nothing otherwise."""
    if any(can(user, perm) for perm in everyone):
        return queryset
    if can(user, CREW):
        return queryset.filter(**{f"{company}__in": own_company_ids(user)})
    return queryset.none()


def companies(user, queryset: QuerySet | None = None) -> QuerySet[ContractorCompany]:
    queryset = ContractorCompany.objects.all() if queryset is None else queryset
    return _of_companies(user, queryset, "pk", everyone=(VIEW, GATE))


def qualifications(user, queryset: QuerySet | None = None) -> QuerySet[Qualification]:
    queryset = Qualification.objects.all() if queryset is None else queryset
    return _of_companies(user, queryset, "company_id")


def projects(user, queryset: QuerySet | None = None) -> QuerySet[Project]:
    queryset = Project.objects.all() if queryset is None else queryset
    return _of_companies(user, queryset, "company_id")


def crews(user, queryset: QuerySet | None = None) -> QuerySet[Crew]:
    queryset = Crew.objects.all() if queryset is None else queryset
    return _of_companies(user, queryset, "company_id")


def workers(user, queryset: QuerySet | None = None) -> QuerySet[ContractorWorker]:
    queryset = ContractorWorker.objects.all() if queryset is None else queryset
    return _of_companies(user, queryset, "company_id", everyone=(VIEW, GATE))


def certificates(user, queryset: QuerySet | None = None) -> QuerySet[SpecialCertificate]:
    queryset = SpecialCertificate.objects.all() if queryset is None else queryset
    return _of_companies(user, queryset, "worker__company_id")


def passes(user, queryset: QuerySet | None = None) -> QuerySet[SitePass]:
    queryset = SitePass.objects.all() if queryset is None else queryset
    return _of_companies(user, queryset, "worker__company_id", everyone=(VIEW, GATE))


def gate_events(user, queryset: QuerySet | None = None) -> QuerySet[GateEvent]:
    queryset = GateEvent.objects.all() if queryset is None else queryset
    return _of_companies(user, queryset, "company_id", everyone=(VIEW, GATE))


def suppliers(user, queryset: QuerySet | None = None) -> QuerySet[Supplier]:
    queryset = Supplier.objects.all() if queryset is None else queryset
    if can(user, VIEW):
        return queryset
    return queryset.filter(pk__in=_own_supplier_ids(user))


def reports(user, queryset: QuerySet | None = None) -> QuerySet[SelfInspectionReport]:
    queryset = SelfInspectionReport.objects.all() if queryset is None else queryset
    if can(user, VIEW):
        return queryset
    return queryset.filter(supplier_id__in=_own_supplier_ids(user))


def report_items(user, queryset: QuerySet | None = None) -> QuerySet[ReportItem]:
    queryset = ReportItem.objects.all() if queryset is None else queryset
    if can(user, VIEW):
        return queryset
    return queryset.filter(report__supplier_id__in=_own_supplier_ids(user))


def attachments(user, queryset: QuerySet | None = None) -> QuerySet[ReportAttachment]:
    queryset = ReportAttachment.objects.all() if queryset is None else queryset
    if can(user, VIEW):
        return queryset
    return queryset.filter(answer__report__supplier_id__in=_own_supplier_ids(user))
