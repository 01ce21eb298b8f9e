"""Sign-ins for outsiders who use the API: a supplier's account and the API tokens a
manager hands to a supplier or a crew lead.

A supplier's pages work through a signed link and need no account; an integration
needs one, because API tokens belong to users. The account is a ``Person`` of kind
"supplier" holding only the supplier role, so every permission check refuses it the
enterprise's data and ``scope`` limits it to its own supplier row and reports. A
crew lead's person is made by the induction services (``ensure_person``).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from safeloop.access import Role, can, ensure_can
from safeloop.contractors.models import Crew, Supplier
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.services.companies import clean_text
from safeloop.contractors.services.crew_portal import lead_of_user
from safeloop.platform.errors import field_error
from safeloop.tenants.accounts.models import ApiToken
from safeloop.tenants.accounts.permissions import AccountPerm
from safeloop.tenants.accounts.services import create_api_token
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Person, PersonKind

# Outsiders whose tokens make sense: those with a scope of their own company.
_TOKEN_ROLES = {Role.CREW_LEAD.value, Role.SUPPLIER.value}


@transaction.atomic
def create_supplier_account(supplier: Supplier, *, by) -> Person:
    """The person ``supplier`` signs in as (kind "supplier", only the supplier role);
    the existing one when it has one. The user has no password: it gets API tokens from
    a manager (:func:`issue_outsider_token`)."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    supplier = Supplier.objects.select_for_update().get(pk=supplier.pk)
    if supplier.account_id:
        return supplier.account
    if not supplier.active:
        raise field_error("supplier", _("This supplier is no longer active."), "inactive")
    user = get_user_model()(
        username=f"supplier-{supplier.pk}@suppliers.invalid",
        email="",
        first_name=supplier.contact_name[:150],
    )
    user.set_unusable_password()
    user.save()
    person = Person.objects.create(
        user=user,
        employee_no=f"SP{supplier.pk:06d}",
        phone=supplier.phone,
        kind=PersonKind.SUPPLIER,
        roles=[Role.SUPPLIER.value],
    )
    supplier.account = person
    supplier.save(update_fields=["account"])
    record_event(supplier, "contractors.supplier_account_created", by=by, person=person.pk)
    return person


@transaction.atomic
def issue_outsider_token(person: Person, *, by, name: str) -> tuple[ApiToken, str]:
    """An API token for a crew lead's or a supplier's person, made by a manager; the
    secret is returned once. Its holder sees only their own company (``scope``)."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    name = clean_text(name, "name", max_length=80)
    holder = person.user
    if (
        not person.is_outsider
        or not _TOKEN_ROLES.intersection(person.roles)
        or not can(holder, AccountPerm.MANAGE_API_TOKENS)
    ):
        raise field_error(
            "person",
            _("Only a crew lead or a supplier can be given an API token here."),
            "invalid",
        )
    token, secret = create_api_token(by=holder, name=name)
    record_event(
        token, "contractors.outsider_token_issued", by=by, person=person.pk, name=token.name
    )
    return token, secret


def _can_hold_token(person: Person) -> bool:
    return person.is_outsider and bool(_TOKEN_ROLES.intersection(person.roles))


@transaction.atomic
def issue_supplier_token(supplier: Supplier, *, by, name: str) -> tuple[ApiToken, str]:
    """The supplier's account (made on first need) and a new token for it, together or
    not at all: a refused name leaves no account behind."""
    account = create_supplier_account(supplier, by=by)
    return issue_outsider_token(account, by=by, name=name)


@transaction.atomic
def revoke_outsider_token(token: ApiToken, *, by) -> ApiToken:
    """A manager ends a crew lead's or a supplier's token; from the next request on it
    opens nothing (the token cache forgets it on save). Revoking twice changes nothing."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    token = (
        ApiToken.objects.select_for_update(of=("self",))
        .select_related("user__person")
        .get(pk=token.pk)
    )
    person = getattr(token.user, "person", None)
    if person is None or not _can_hold_token(person):
        # An employee's own token is theirs (or a people manager's) to revoke.
        raise field_error("token", _("This is not an outsider's API token."), "invalid")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            token, "contractors.outsider_token_revoked", by=by, person=person.pk, name=token.name
        )
    return token


def live_tokens(person: Person | None) -> QuerySet[ApiToken]:
    """``person``'s unrevoked tokens, newest first (none without a person)."""
    if person is None:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user_id=person.user_id, revoked_at__isnull=True)


def crew_lead_token_holder(crew: Crew) -> Person | None:
    """The person of ``crew``'s lead while they may sign in at the crew leads' portal
    (lead of a crew of a company in good standing, not blacklisted); else None."""
    lead = crew.lead
    if lead is None or lead.person_id is None:
        return None
    person = lead.person
    found = lead_of_user(person.user)
    return person if found is not None and found.pk == lead.pk else None
