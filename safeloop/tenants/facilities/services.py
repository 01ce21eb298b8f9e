"""Every change to areas, equipment and people goes through these functions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from safeloop.access import Role, ensure_can
from safeloop.platform.errors import field_error
from safeloop.platform.limits import Limit, ensure_within_limit
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import (
    AREA_PARENT_KIND,
    Area,
    AreaKind,
    Equipment,
    EquipmentStatus,
    EquipmentType,
    JobRole,
    Person,
)
from safeloop.tenants.facilities.permissions import FacilityPerm

User = get_user_model()

AREA_FIELDS = ("code", "name", "name_en", "kind", "parent")
EQUIPMENT_FIELDS = (
    "code",
    "name",
    "equipment_type",
    "area",
    "status",
    "manufacturer",
    "model_number",
    "serial_number",
    "rated_capacity",
    "manufactured_on",
)
PERSON_FIELDS = ("employee_no", "phone", "area", "job_role", "roles", "superior", "language")


class ErrorCode:
    DUPLICATE = "duplicate"
    INVALID = "invalid"
    BAD_PARENT = "bad_parent"
    NOT_FOUND = "not_found"
    IN_USE = "in_use"


def _check_area_parent(kind: str, parent: Area | None, area: Area | None = None) -> None:
    expected = AREA_PARENT_KIND[AreaKind(kind)]
    if expected is None and parent is not None:
        raise field_error("parent", _("A site has no parent."), ErrorCode.BAD_PARENT)
    if expected is not None and (parent is None or parent.kind != expected):
        raise field_error(
            "parent",
            _("A %(kind)s must sit under a %(parent)s.")
            % {"kind": AreaKind(kind).label, "parent": AreaKind(expected).label},
            ErrorCode.BAD_PARENT,
        )
    if area is not None and parent is not None and parent.pk == area.pk:
        raise field_error("parent", _("An area cannot be its own parent."), ErrorCode.BAD_PARENT)


def _full_clean(obj, exclude: list[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        # Give API users our codes: "unique" becomes DUPLICATE, the rest INVALID.
        raise ValidationError(
            {
                field: [
                    ValidationError(
                        e.message % (e.params or {}),
                        code=ErrorCode.DUPLICATE if e.code == "unique" else ErrorCode.INVALID,
                    )
                    for e in errs
                ]
                for field, errs in exc.error_dict.items()
            }
        ) from exc


def count_people() -> int:
    """The people a plan's limit counts: the enterprise's own, active employees
    (contractors' workers and suppliers' contacts are not its seats)."""
    return Person.objects.employees().filter(user__is_active=True).count()


def count_qr_points() -> int:
    """The QR points a plan's limit counts: every area, and every machine in use."""
    return Area.objects.count() + Equipment.objects.exclude(status=EquipmentStatus.RETIRED).count()


@transaction.atomic
def create_area(
    *, by, code: str, name: str, kind: str, parent: Area | None = None, name_en: str = ""
) -> Area:
    ensure_can(by, FacilityPerm.MANAGE_AREAS)
    if kind not in AreaKind.values:
        raise field_error("kind", _("Unknown area kind."), ErrorCode.INVALID)
    _check_area_parent(kind, parent)
    ensure_within_limit(Limit.QR_POINTS, used=count_qr_points())
    area = Area(
        code=code.strip(), name=name.strip(), name_en=name_en.strip(), kind=kind, parent=parent
    )
    _full_clean(area)
    area.save()
    record_event(area, "area.created", by=by, code=area.code, name=area.name)
    return area


@transaction.atomic
def update_area(area: Area, *, by, **changes: Any) -> Area:
    ensure_can(by, FacilityPerm.MANAGE_AREAS)
    _apply(area, changes, AREA_FIELDS)
    _check_area_parent(area.kind, area.parent, area)
    _full_clean(area)
    area.save()
    record_event(area, "area.updated", by=by, changes=_describe(changes))
    return area


@transaction.atomic
def create_equipment(
    *, by, code: str, name: str, equipment_type: EquipmentType, area: Area, **extra: Any
) -> Equipment:
    ensure_can(by, FacilityPerm.MANAGE_EQUIPMENT)
    ensure_within_limit(Limit.QR_POINTS, used=count_qr_points())
    equipment = Equipment(
        code=code.strip(), name=name.strip(), equipment_type=equipment_type, area=area
    )
    _apply(equipment, extra, EQUIPMENT_FIELDS)
    _full_clean(equipment)
    equipment.save()
    record_event(equipment, "equipment.created", by=by, code=equipment.code)
    return equipment


@transaction.atomic
def update_equipment(equipment: Equipment, *, by, **changes: Any) -> Equipment:
    ensure_can(by, FacilityPerm.MANAGE_EQUIPMENT)
    _apply(equipment, changes, EQUIPMENT_FIELDS)
    _full_clean(equipment)
    equipment.save()
    record_event(equipment, "equipment.updated", by=by, changes=_describe(changes))
    return equipment


def _validate_roles(roles: list[str]) -> list[str]:
    bad = [r for r in roles if r not in Role.__members__.values()]
    if bad:
        raise field_error(
            "roles", _("Unknown role(s): %(roles)s") % {"roles": ", ".join(bad)}, ErrorCode.INVALID
        )
    return sorted(set(roles))


@transaction.atomic
def create_person(
    *,
    by,
    email: str,
    full_name: str,
    employee_no: str,
    password: str | None = None,
    pin: str | None = None,
    **extra: Any,
) -> Person:
    """Add an employee: a user account in this tenant plus their Person record."""
    ensure_can(by, FacilityPerm.MANAGE_PEOPLE)
    ensure_within_limit(Limit.PEOPLE, used=count_people())
    return _create_person(
        email=email,
        full_name=full_name,
        employee_no=employee_no,
        password=password,
        pin=pin,
        actor=by,
        **extra,
    )


def _create_person(
    *,
    email: str,
    full_name: str,
    employee_no: str,
    password: str | None,
    pin: str | None,
    actor,
    password_hash: str | None = None,
    **extra: Any,
) -> Person:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise field_error("email", _("Enter a valid email address."), ErrorCode.INVALID) from None
    if User.objects.filter(username=email).exists():
        raise field_error(
            "email", _("Someone with this email already exists."), ErrorCode.DUPLICATE
        )
    first, _sep, last = (full_name or "").strip().partition(" ")
    user = User(username=email, email=email, first_name=first[:150], last_name=last[:150])
    if password:
        validate_password(password, user)
        if password_hash:
            # make_password(password), worked out beside the schema clone (provisioning)
            user.password = password_hash
        else:
            user.set_password(password)
    else:
        user.set_unusable_password()
    person = Person(user=user, employee_no=(employee_no or "").strip())
    if "roles" in extra:
        extra["roles"] = _validate_roles(extra["roles"] or [])
    _apply(person, extra, PERSON_FIELDS)
    if pin is not None:
        _set_pin(person, pin)
    _full_clean(person, exclude=["user"])
    user.save()
    person.user = user
    person.save()
    record_event(
        person, "person.created", by=actor, employee_no=person.employee_no, roles=person.roles
    )
    return person


def create_first_admin(
    *,
    email: str,
    full_name: str,
    password: str,
    employee_no: str = "A0001",
    language: str = "",
    password_hash: str | None = None,
) -> Person:
    """The enterprise's first admin, made by provisioning (no actor exists yet)."""
    person = _create_person(
        email=email,
        full_name=full_name,
        employee_no=employee_no,
        password=password,
        password_hash=password_hash,
        pin=None,
        actor=None,
        roles=[Role.ADMIN.value, Role.SAFETY_MANAGER.value],
        language=language,
    )
    person.user.is_staff = True
    person.user.is_superuser = True
    person.user.save(update_fields=["is_staff", "is_superuser"])
    return person


@transaction.atomic
def update_person(
    person: Person,
    *,
    by,
    full_name: str | None = None,
    email: str | None = None,
    is_active: bool | None = None,
    **changes: Any,
) -> Person:
    ensure_can(by, FacilityPerm.MANAGE_PEOPLE)
    if "roles" in changes:
        changes["roles"] = _validate_roles(changes["roles"] or [])
        if (
            person.user_id == by.pk
            and Role.ADMIN.value in person.roles
            and Role.ADMIN.value not in changes["roles"]
        ):
            raise field_error(
                "roles", _("You cannot remove your own admin role."), ErrorCode.INVALID
            )
    _apply(person, changes, PERSON_FIELDS)
    user = person.user
    if full_name is not None:
        first, _sep, last = full_name.strip().partition(" ")
        user.first_name, user.last_name = first[:150], last[:150]
    if email is not None:
        email = email.strip().lower()
        validate_email(email)
        if User.objects.filter(username=email).exclude(pk=user.pk).exists():
            raise field_error(
                "email", _("Someone with this email already exists."), ErrorCode.DUPLICATE
            )
        user.username = user.email = email
    if is_active is not None:
        user.is_active = is_active
    _full_clean(person, exclude=["user"])
    user.save()
    person.save()
    record_event(
        person,
        "person.updated",
        by=by,
        changes=_describe(
            {**changes, **({"is_active": is_active} if is_active is not None else {})}
        ),
    )
    return person


def _set_pin(person: Person, pin: str) -> None:
    pin = (pin or "").strip()
    if not (pin.isdigit() and 4 <= len(pin) <= 8):
        raise field_error("pin", _("The PIN must be 4 to 8 digits."), ErrorCode.INVALID)
    person.pin_hash = make_password(pin)
    person.pin_failures = 0


@transaction.atomic
def set_pin(person: Person, pin: str, *, by) -> None:
    if by.pk != person.user_id:
        ensure_can(by, FacilityPerm.MANAGE_PEOPLE)
    _set_pin(person, pin)
    person.save(update_fields=["pin_hash", "pin_failures"])
    record_event(person, "person.pin_set", by=by)


def check_pin(person: Person, pin: str) -> bool:
    return bool(person.pin_hash) and check_password(pin, person.pin_hash)


def _apply(obj, changes: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for field, value in changes.items():
        if field not in allowed:
            raise field_error(field, _("This field cannot be changed here."), ErrorCode.INVALID)
        if isinstance(value, str) and field not in ("roles",):
            value = value.strip()
        setattr(obj, field, value)


def _describe(changes: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (getattr(v, "pk", v) if not isinstance(v, list | str | int | bool | None) else v)
        for k, v in changes.items()
    }


@dataclass
class FacilitiesSummary:
    areas: int
    equipment: int
    people: int
    job_roles: int


def summary() -> FacilitiesSummary:
    return FacilitiesSummary(
        Area.objects.count(),
        Equipment.objects.count(),
        Person.objects.count(),
        JobRole.objects.count(),
    )
