"""The risk register (风险分级管控): risk points, what can go wrong there, how
bad it is, how it is controlled — and the four-colour map that shows it.

``RiskPoint.band`` is the point's current colour (the residual risk of its
latest assessment); ``needs_reassessment`` is raised when a hazard found
there shows the controls may have failed (seed 003: hazards "find the
failure, defects or deficiencies of risk control measures in reverse").
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from safeloop.platform.gb6441 import (
    CHINESE_1986,
    Accident1986,
    Edition,
    chinese_name,
    edition_in_force,
    edition_label,
    english_name,
)
from safeloop.tenants.facilities.models import BilingualName, code_validator
from safeloop.tenants.risks.scoring import BAND_COLOURS, BAND_RANK, Band, Method


def _english() -> bool:
    return (get_language() or "").startswith("en")


# GB 6441 lives in safeloop.platform.gb6441, both editions; these names stay for
# the code that predates the 2025 edition (they are the 1986 edition's).
AccidentType = Accident1986
ACCIDENT_TYPE_CHINESE = {name: code for code, name in CHINESE_1986.items()}


class RiskPointKind(models.TextChoices):
    AREA = "area", _("Area")
    EQUIPMENT = "equipment", _("Equipment")
    ACTIVITY = "activity", _("Activity / job step")


class MeasureKind(models.TextChoices):
    ENGINEERING = "engineering", _("Engineering")
    MANAGEMENT = "management", _("Management")
    TRAINING = "training", _("Training")
    PPE = "ppe", _("Personal protective equipment")
    EMERGENCY = "emergency", _("Emergency")


class ControlLevel(models.TextChoices):
    """Who controls a risk (分级管控): the higher the risk, the higher the level."""

    COMPANY = "company", _("Company")
    WORKSHOP = "workshop", _("Workshop")
    TEAM = "team", _("Team")
    POST = "post", _("Post")


# The level that must control a risk of each colour (red by the company, ...).
BAND_CONTROL_LEVEL = {
    Band.RED: ControlLevel.COMPANY,
    Band.ORANGE: ControlLevel.WORKSHOP,
    Band.YELLOW: ControlLevel.TEAM,
    Band.BLUE: ControlLevel.POST,
}


class RiskSettings(models.Model):
    """One row per enterprise: how it assesses risks and whom to call."""

    method = models.CharField(
        _("assessment method"), max_length=10, choices=Method.choices, default=Method.LEC
    )
    emergency_phone = models.CharField(
        _("emergency phone"),
        max_length=40,
        blank=True,
        help_text=_("The site's 24-hour emergency number, printed on every notification card."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.get_method_display())

    @classmethod
    def current(cls) -> RiskSettings:
        row = cls.objects.order_by("pk").first()
        return row or cls.objects.create()


class RiskPoint(BilingualName):
    """A risk point (风险点): an area, a machine or an activity, owned by an area
    and a responsible person."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    kind = models.CharField(_("kind"), max_length=10, choices=RiskPointKind.choices)
    area = models.ForeignKey(
        "facilities.Area",
        on_delete=models.PROTECT,
        related_name="risk_points",
        verbose_name=_("area"),
    )
    equipment = models.ForeignKey(
        "facilities.Equipment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_points",
        verbose_name=_("equipment"),
    )
    description = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    # 依据: the standards and clauses the point's assessment rests on.
    basis = models.CharField(_("basis (standard and clause)"), max_length=200, blank=True)
    responsible = models.ForeignKey(
        "facilities.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risk_points",
        verbose_name=_("responsible person"),
    )
    # The current colour: the residual band of the latest assessment.
    band = models.CharField(max_length=10, choices=Band.choices, blank=True, db_index=True)
    band_rank = models.PositiveSmallIntegerField(default=0, db_index=True)
    score = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    inherent_band = models.CharField(max_length=10, choices=Band.choices, blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    needs_reassessment = models.BooleanField(default=False, db_index=True)
    flagged_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-band_rank", "code"]
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")

    @property
    def display_description(self) -> str:
        return self.description_en if _english() and self.description_en else self.description

    @property
    def control_level(self) -> str:
        """The level that must control this risk, by its colour ('' when unassessed)."""
        return BAND_CONTROL_LEVEL.get(self.band, "") if self.band else ""

    @property
    def control_level_label(self) -> str:
        level = self.control_level
        return str(ControlLevel(level).label) if level else ""

    @property
    def colour(self) -> str:
        """The band's fill colour on the map and the card ('' when unassessed)."""
        return BAND_COLOURS.get(self.band, "")

    def set_band(self, band: str, score, inherent_band: str, at) -> None:
        self.band, self.score, self.inherent_band, self.assessed_at = band, score, inherent_band, at
        self.band_rank = BAND_RANK.get(band, 0)


class HazardSource(models.Model):
    """A hazard source (危险源) found at a risk point and the accidents it can cause."""

    risk_point = models.ForeignKey(RiskPoint, on_delete=models.CASCADE, related_name="sources")
    order = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(_("hazard source (Chinese)"), max_length=300)
    description_en = models.CharField(_("hazard source (English)"), max_length=300, blank=True)
    # Codes of ``accident_edition``'s list (safeloop.platform.gb6441). A row keeps
    # the edition it was written in; new rows get the one in force.
    accident_types = ArrayField(models.CharField(max_length=30), default=list)
    accident_edition = models.CharField(
        _("GB 6441 edition"), max_length=4, choices=Edition.choices, default=edition_in_force
    )

    class Meta:
        ordering = ["risk_point_id", "order", "pk"]

    def __str__(self) -> str:
        return self.display_description

    @property
    def display_description(self) -> str:
        return self.description_en if _english() and self.description_en else self.description

    @property
    def accident_type_labels(self) -> list[str]:
        """The accident types in the request's language, named as in the row's edition."""
        return [english_name(self.accident_edition, code) for code in self.accident_types]

    @property
    def accident_type_chinese(self) -> list[str]:
        return [chinese_name(self.accident_edition, code) for code in self.accident_types]

    @property
    def accident_edition_label(self) -> str:
        """How the edition is cited: "GB 6441-2025"."""
        return edition_label(self.accident_edition)


class Assessment(models.Model):
    """One assessment of a risk point: the inherent risk (before controls) and the
    residual risk (with them), never changed afterwards — the history is the list."""

    risk_point = models.ForeignKey(RiskPoint, on_delete=models.CASCADE, related_name="assessments")
    method = models.CharField(max_length=10, choices=Method.choices)
    inherent_factors = models.JSONField(default=dict)
    inherent_score = models.DecimalField(max_digits=10, decimal_places=2)
    inherent_band = models.CharField(max_length=10, choices=Band.choices)
    residual_factors = models.JSONField(default=dict)
    residual_score = models.DecimalField(max_digits=10, decimal_places=2)
    residual_band = models.CharField(max_length=10, choices=Band.choices)
    note = models.TextField(blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        get_latest_by = "assessed_at"

    def __str__(self) -> str:
        return f"{self.risk_point_id}: {self.residual_band} ({self.residual_score})"

    @property
    def inherent_factor_list(self) -> list[tuple[str, str]]:
        return _in_formula_order(self.inherent_factors)

    @property
    def residual_factor_list(self) -> list[tuple[str, str]]:
        return _in_formula_order(self.residual_factors)


FACTOR_ORDER = ("l", "e", "c", "likelihood", "severity")


def _in_formula_order(factors: dict) -> list[tuple[str, str]]:
    """Factors as the formula reads (L, E, C), not as the database stores them."""
    rank = {name: n for n, name in enumerate(FACTOR_ORDER)}
    return sorted(factors.items(), key=lambda item: rank.get(item[0], len(rank)))


class ControlMeasure(models.Model):
    """A control measure (管控措施) of one of the five kinds, owned at a level by a
    person or a job role. With ``check_label`` it becomes a check item on the
    point's checklist (seed 003: "the risk database is the basis of patrol
    inspection")."""

    risk_point = models.ForeignKey(RiskPoint, on_delete=models.CASCADE, related_name="measures")
    kind = models.CharField(_("kind"), max_length=12, choices=MeasureKind.choices)
    order = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(_("measure (Chinese)"))
    description_en = models.TextField(_("measure (English)"), blank=True)
    level = models.CharField(_("control level"), max_length=10, choices=ControlLevel.choices)
    owner = models.ForeignKey(
        "facilities.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risk_measures",
        verbose_name=_("owner"),
    )
    owner_role = models.ForeignKey(
        "facilities.JobRole",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risk_measures",
        verbose_name=_("owner job role"),
    )
    # The question an inspector answers to check the measure is in place.
    check_label = models.CharField(_("check item (Chinese)"), max_length=200, blank=True)
    check_label_en = models.CharField(_("check item (English)"), max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["risk_point_id", "kind", "order", "pk"]

    def __str__(self) -> str:
        return self.display_description

    @property
    def display_description(self) -> str:
        return self.description_en if _english() and self.description_en else self.description

    @property
    def source_key(self) -> str:
        """How check items born of this measure name it (``CheckItem.source``)."""
        return f"{MEASURE_SOURCE_PREFIX}{self.pk}"


MEASURE_SOURCE_PREFIX = "risks.measure:"


class FlagReason(models.TextChoices):
    HAZARD_AT_POINT = "hazard_at_point", _("A hazard was reported at this risk point")
    MEASURE_FAILED = "measure_failed", _("A check of a control measure failed")


class RiskFlag(models.Model):
    """Why a risk point needs re-assessment: the hazard that revealed it. Cleared
    by the next assessment (``cleared_by``)."""

    risk_point = models.ForeignKey(RiskPoint, on_delete=models.CASCADE, related_name="flags")
    hazard = models.ForeignKey(
        "hazards.Hazard", on_delete=models.CASCADE, related_name="risk_flags"
    )
    reason = models.CharField(max_length=20, choices=FlagReason.choices)
    measure = models.ForeignKey(
        ControlMeasure, null=True, blank=True, on_delete=models.SET_NULL, related_name="flags"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cleared_by = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.SET_NULL, related_name="cleared_flags"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["risk_point", "hazard"], name="one_flag_per_hazard")
        ]

    def __str__(self) -> str:
        return f"{self.risk_point_id} ← {self.hazard_id} ({self.reason})"


class SitePlan(models.Model):
    """A site plan image (厂区平面图) the four-colour map is drawn on."""

    name = models.CharField(_("name"), max_length=120)
    image = models.ImageField(upload_to="risks/plans/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-is_active", "-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class Zone(models.Model):
    """An area's outline on a site plan: a polygon of ``[x, y]`` pairs, each a
    fraction (0–1) of the image's width and height, so it scales with the image."""

    site_plan = models.ForeignKey(SitePlan, on_delete=models.CASCADE, related_name="zones")
    area = models.ForeignKey("facilities.Area", on_delete=models.CASCADE, related_name="risk_zones")
    polygon = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site_plan_id", "area__code"]
        constraints = [
            models.UniqueConstraint(fields=["site_plan", "area"], name="one_zone_per_area_per_plan")
        ]

    def __str__(self) -> str:
        return f"{self.site_plan_id}: {self.area_id}"


# --- Inventories (台账) the regulations ask for by name -------------------------------
# 有限空间: 《工贸企业有限空间作业安全规定》(应急管理部令第13号) Art. 8 asks for a 管理台账 of
# every confined space (where, what can go wrong there, who answers for it, 警示标志).
# 粉尘: 《工贸企业粉尘防爆安全规定》(应急管理部令第6号) asks for the places where explosive
# dust is handled, its collector and the people exposed.


class ConfinedSpaceKind(models.TextChoices):
    EQUIPMENT = "equipment", _("Closed or semi-closed equipment")
    UNDERGROUND = "underground", _("Underground confined space")
    ABOVEGROUND = "aboveground", _("Above-ground confined space")


class ConfinedHazard(models.TextChoices):
    OXYGEN = "oxygen", _("Oxygen deficiency / asphyxiation")
    TOXIC = "toxic", _("Poisoning")
    FLAMMABLE = "flammable", _("Fire or explosion")
    DROWNING = "drowning", _("Drowning")
    ENGULFMENT = "engulfment", _("Engulfment / burial")
    MECHANICAL = "mechanical", _("Moving machinery")
    ELECTRIC = "electric", _("Electric shock")
    HEAT = "heat", _("Heat / scalding")


class DustCollector(models.TextChoices):
    DRY = "dry", _("Dry collector")
    WET = "wet", _("Wet collector")
    NONE = "none", _("No collector")


class ConfinedSpace(BilingualName):
    """One line of the 有限空间管理台账."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    kind = models.CharField(_("kind"), max_length=12, choices=ConfinedSpaceKind.choices)
    area = models.ForeignKey(
        "facilities.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    risk_point = models.ForeignKey(
        RiskPoint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="confined_spaces",
        verbose_name=_("risk point"),
    )
    hazards = ArrayField(
        models.CharField(max_length=12, choices=ConfinedHazard.choices),
        default=list,
        verbose_name=_("what can go wrong"),
    )
    media = models.CharField(_("harmful substances"), max_length=200, blank=True)
    work = models.CharField(_("work done inside"), max_length=200, blank=True)
    sign_posted = models.BooleanField(_("warning sign posted"), default=False)
    responsible = models.ForeignKey(
        "facilities.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("person in charge"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("confined space")
        verbose_name_plural = _("confined spaces")

    @property
    def hazard_labels(self) -> list[str]:
        return [str(ConfinedHazard(h).label) for h in self.hazards if h in ConfinedHazard.values]


class DustSite(BilingualName):
    """One line of the 粉尘涉爆场所台账 (or of other dust workplaces)."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    area = models.ForeignKey(
        "facilities.Area", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    risk_point = models.ForeignKey(
        RiskPoint,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dust_sites",
        verbose_name=_("risk point"),
    )
    dust = models.CharField(_("dust"), max_length=80)
    explosive = models.BooleanField(_("explosive dust"), default=True)
    collector = models.CharField(_("dust collector"), max_length=6, choices=DustCollector.choices)
    workers = models.PositiveSmallIntegerField(_("workers exposed"), default=0)
    responsible = models.ForeignKey(
        "facilities.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("person in charge"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("dust site")
        verbose_name_plural = _("dust sites")
