"""Gate registration (入场登记): a signed link per site, and a worker registering
themselves through it without an account.

The link's token is the site area's id signed with a salt that names the tenant's
schema, so it needs no table, can't be forged, and another enterprise's token (same
secret key, same ids) does not open anything here. Whoever holds the link may
register: the QR code hangs at the gate. What a registration may do is therefore
narrower than a manager's: only for an active company with a project running today.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from safeloop.contractors.models import CompanyStatus, ContractorCompany, Project
from safeloop.contractors.services.companies import ContractorErrorCode, local_today
from safeloop.contractors.services.workers import Consent, Registration, register
from safeloop.contractors.validators import clean_credit_code
from safeloop.platform.errors import field_error
from safeloop.tenants.facilities.models import Area, AreaKind
from safeloop.tenants.facilities.photos import photo_files_kept_on_success


def _signer() -> signing.Signer:
    return signing.Signer(salt=f"safeloop.contractors.gate:{connection.schema_name}")


def gate_token(site: Area) -> str:
    """The token of ``site``'s gate link (stable: printing it again gives the same code)."""
    return _signer().sign(str(site.pk))


def site_for_token(token: str) -> Area | None:
    """The site a gate token was signed for here; ``None`` when forged, another
    enterprise's, or the area is gone or no longer a site."""
    try:
        pk = int(_signer().unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return Area.objects.filter(pk=pk, kind=AreaKind.SITE).first()


def gate_sites() -> QuerySet[Area]:
    return Area.objects.filter(kind=AreaKind.SITE).order_by("code")


def gate_companies(today: date | None = None) -> QuerySet[ContractorCompany]:
    """Companies whose workers may register at the gate: not blacklisted, with an
    active project that has not ended."""
    running = Project.objects.filter(
        company=OuterRef("pk"), active=True, ends_on__gte=today or local_today()
    )
    return ContractorCompany.objects.filter(status=CompanyStatus.ACTIVE).filter(Exists(running))


def _company(company_id: int | None, credit_code: str) -> ContractorCompany:
    if company_id:
        company = gate_companies().filter(pk=company_id).first()
        if company is None:
            raise field_error(
                "company",
                _("This company cannot register workers here now. Ask the site's safety office."),
                ContractorErrorCode.INVALID,
            )
        return company
    try:
        code = clean_credit_code(credit_code)
    except ValidationError as exc:
        if exc.code == "required":
            raise field_error(
                "company",
                _("Choose your company, or type its unified social credit code."),
                ContractorErrorCode.REQUIRED,
            ) from None
        raise field_error("credit_code", exc.messages[0], exc.code) from None
    company = gate_companies().filter(credit_code=code).first()
    if company is None:
        raise field_error(
            "credit_code",
            _(
                "No company with this code works on this site now. Check the code, or ask the "
                "site's safety office to add your company and its project."
            ),
            ContractorErrorCode.INVALID,
        )
    return company


def register_at_gate(
    site: Area,
    *,
    company_id: int | None,
    credit_code: str = "",
    name: str,
    id_number_value: str,
    consent: Consent | None,
    phone: str = "",
    work_types: Iterable[str] = (),
    photo=None,
) -> Registration:
    """A worker registers themselves through ``site``'s gate link: the same rules as a
    manager's registration (consent, checked ID number, merged by it), for a company
    chosen from those allowed at the gate or named by its credit code."""
    company = _company(company_id, credit_code)
    with photo_files_kept_on_success():
        return register(
            company,
            None,
            name,
            id_number_value,
            consent,
            phone,
            work_types,
            None,
            photo,
            via="gate",
            site=site.pk,
        )
