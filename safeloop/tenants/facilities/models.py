"""Facilities (设施): the areas, equipment and people of one enterprise."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from safeloop.access import ALL_ROLE_CHOICES

code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$",
    _("Use letters, digits, dot, dash or underscore (up to 40)."),
)


def new_qr_token() -> str:
    """A stable, unguessable token printed in a QR code."""
    return secrets.token_urlsafe(12)


class BilingualName(models.Model):
    name = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if (get_language() or "").startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Shift(models.TextChoices):
    """The three shifts of a working day (白班、中班、夜班): a report's, a route's."""

    DAY = "day", _("Day shift")
    MIDDLE = "middle", _("Middle shift")
    NIGHT = "night", _("Night shift")


class AreaKind(models.TextChoices):
    SITE = "site", _("Site")
    WORKSHOP = "workshop", _("Workshop")
    AREA = "area", _("Area")


# Which kind of parent each kind sits under (None: a root).
AREA_PARENT_KIND = {
    AreaKind.SITE: None,
    AreaKind.WORKSHOP: AreaKind.SITE,
    AreaKind.AREA: AreaKind.WORKSHOP,
}


class Area(BilingualName):
    """A place in the area tree: site (厂区) → workshop (车间) → area (区域)."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    kind = models.CharField(_("kind"), max_length=10, choices=AreaKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    qr_token = models.CharField(max_length=32, unique=True, default=new_qr_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")


class EquipmentType(BilingualName):
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    inspection_interval_days = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["code"]


class EquipmentStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("In service")
    IDLE = "idle", _("Idle")
    UNDER_REPAIR = "under_repair", _("Under repair")
    RETIRED = "retired", _("Retired")


class Equipment(models.Model):
    """A machine or installation (设备) with its nameplate (铭牌) data."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)
    equipment_type = models.ForeignKey(
        EquipmentType, on_delete=models.PROTECT, related_name="equipment", verbose_name=_("type")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="equipment", verbose_name=_("area")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EquipmentStatus.choices,
        default=EquipmentStatus.IN_SERVICE,
    )
    manufacturer = models.CharField(_("manufacturer"), max_length=120, blank=True)
    model_number = models.CharField(_("model"), max_length=80, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=80, blank=True)
    rated_capacity = models.CharField(_("rated capacity"), max_length=80, blank=True)
    manufactured_on = models.DateField(_("manufactured on"), null=True, blank=True)
    qr_token = models.CharField(max_length=32, unique=True, default=new_qr_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class JobRole(BilingualName):
    """A job (岗位) such as welder or forklift driver; courses are matched to it."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])

    class Meta:
        ordering = ["code"]


class PersonKind(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    # A contractor's worker or crew lead (相关方人员): made by the contractor services.
    CONTRACTOR = "contractor", _("Contractor")
    # A supplier's contact (供应商): made by the supplier services.
    SUPPLIER = "supplier", _("Supplier")


class PersonQuerySet(models.QuerySet):
    def employees(self) -> PersonQuerySet:
        """The enterprise's own people: what directories, rosters and archives list."""
        return self.filter(kind=PersonKind.EMPLOYEE)


class Person(models.Model):
    """An employee (员工) of the enterprise: a user plus their place in it. Outsiders who
    sign in (a contractor's crew lead and workers, a supplier's contact) are people too,
    of another ``kind``, holding only outsider roles."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    employee_no = models.CharField(
        _("employee number"), max_length=40, unique=True, validators=[code_validator]
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    area = models.ForeignKey(
        Area,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("department / area"),
    )
    job_role = models.ForeignKey(
        JobRole,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=_("job role"),
    )
    roles = ArrayField(
        models.CharField(max_length=30, choices=ALL_ROLE_CHOICES),
        default=list,
        blank=True,
        verbose_name=_("roles"),
    )
    superior = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("superior"),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    pin_hash = models.CharField(max_length=128, blank=True)
    pin_failures = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(
        _("kind"),
        max_length=12,
        choices=PersonKind.choices,
        default=PersonKind.EMPLOYEE,
        db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["employee_no"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return f"{self.employee_no} {self.full_name}"

    @property
    def full_name(self) -> str:
        return self.user.get_full_name() or self.user.email

    @property
    def is_outsider(self) -> bool:
        return self.kind != PersonKind.EMPLOYEE


class PointKind(models.TextChoices):
    """What a QR point (二维码点位) is: an area or a machine."""

    AREA = "area", _("Area")
    EQUIPMENT = "equipment", _("Equipment")


class RevokedQrToken(models.Model):
    """A token that was printed on a label and has been replaced by a new one.

    Scanning the old label then says when it was replaced and whom to ask,
    instead of the page for a code that never existed.
    """

    token = models.CharField(max_length=32, unique=True)
    point_kind = models.CharField(_("point kind"), max_length=10, choices=PointKind.choices)
    point_id = models.PositiveBigIntegerField(_("point"))
    revoked_at = models.DateTimeField(_("revoked at"), auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    reason = models.CharField(_("reason"), max_length=200)

    class Meta:
        ordering = ["-revoked_at"]
        indexes = [models.Index(fields=["point_kind", "point_id"])]
        verbose_name = _("revoked QR token")
        verbose_name_plural = _("revoked QR tokens")

    def __str__(self) -> str:
        return f"{self.point_kind}:{self.point_id} {self.token}"
