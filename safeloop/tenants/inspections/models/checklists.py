"""Checklists (检查表), their versions and items, and where they apply."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from safeloop.tenants.facilities.models import AreaKind, BilingualName, code_validator


def _english() -> bool:
    return (get_language() or "").startswith("en")


class ChecklistKind(models.TextChoices):
    UNIVERSAL = "universal", _("Universal (industry template)")
    OWN = "own", _("The enterprise's own")


class Checklist(BilingualName):
    """A named checklist; its items live in numbered versions.

    ``current_version`` is the version new inspections use. A version that an
    inspection refers to is never changed again: revising the checklist then
    publishes the next version, and past inspections keep theirs.
    """

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    kind = models.CharField(
        _("kind"), max_length=10, choices=ChecklistKind.choices, default=ChecklistKind.OWN
    )
    is_active = models.BooleanField(_("active"), default=True)
    current_version = models.ForeignKey(
        "ChecklistVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("checklist")


class ChecklistVersion(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["checklist_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["checklist", "number"], name="one_number_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.checklist.code} v{self.number}"

    @property
    def is_used(self) -> bool:
        return self.inspections.exists()


# How long a derived short name may be: Chinese characters, English letters.
SHORT_NAME_ZH = 20
SHORT_NAME_EN = 48
# Asides in brackets are dropped ("安全联锁（光幕、门联锁）有效" → "安全联锁有效"), then
# the first clause is kept ("消防通道畅通，无堵塞" → "消防通道畅通"). English commas
# list things ("Lights, horn and alarm work"), so only its stronger stops end a clause.
_ASIDE = re.compile(r"\s*[（(][^（()）]*[)）]")
_CLAUSE_END_ZH = re.compile(r"[，,；;：:。]")
_CLAUSE_END_EN = re.compile(r"[;:]| - ")


def short_name(label: str, limit: int) -> str:
    """A label in a few words: without asides, its first clause, cut at ``limit`` (with "…")."""
    text = " ".join((label or "").split())
    plain = _ASIDE.sub("", text).strip() or text
    stops = _CLAUSE_END_EN if plain.isascii() else _CLAUSE_END_ZH
    first = stops.split(plain, maxsplit=1)[0].strip() or plain
    if len(first) <= limit:
        return first
    cut = first[: limit - 1]
    if " " in cut and first.isascii() and first[limit - 1] != " ":
        cut = cut.rsplit(" ", 1)[0]  # English: whole words
    return cut.rstrip(" 、,") + "…"


class ItemKind(models.TextChoices):
    PASS_FAIL = "pass_fail", _("Pass / fail")
    NUMBER = "number", _("Number within a range")
    CHOICE = "choice", _("Choice")
    TEXT = "text", _("Text")
    PHOTO = "photo", _("Photo required")


class CheckItem(models.Model):
    """One question of a checklist version (检查项)."""

    version = models.ForeignKey(ChecklistVersion, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=ItemKind.choices)
    label = models.CharField(_("check item (Chinese)"), max_length=200)
    label_en = models.CharField(_("check item (English)"), max_length=200, blank=True)
    # A few words naming the item, e.g. the title of a hazard reported from it;
    # blank: derived from the label (display_short_label).
    short_label = models.CharField(_("short name (Chinese)"), max_length=40, blank=True)
    short_label_en = models.CharField(_("short name (English)"), max_length=60, blank=True)
    guidance = models.TextField(_("guidance (Chinese)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    guidance_image = models.ImageField(upload_to="inspections/guidance/", blank=True)
    number_min = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    number_max = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    choices = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    # Picking one of these fails the item (e.g. "damaged"); the others pass.
    failing_choices = ArrayField(models.CharField(max_length=80), default=list, blank=True)
    required = models.BooleanField(default=True)
    # 依据: the standard and clause the item checks, e.g. "GB/T 3811-2008 第 6.2 条".
    basis = models.CharField(_("basis (standard and clause)"), max_length=200, blank=True)
    # 不适用: the item may be answered "not applicable" (a machine stopped, a
    # season without heating); such answers count neither as passes nor fails.
    allows_na = models.BooleanField(_("may be not applicable"), default=False)
    # What generated the item, if anything (e.g. "risks.measure:12", a control
    # measure of the risk register); blank for items a person wrote.
    source = models.CharField(max_length=60, blank=True, db_index=True)

    class Meta:
        ordering = ["version_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="one_item_per_position")
        ]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        return self.label_en if _english() and self.label_en else self.label

    @property
    def display_short_label(self) -> str:
        """The item in a few words: its short name, else the first clause of its label."""
        if _english() and (self.short_label_en or self.label_en):
            return self.short_label_en or short_name(self.label_en, SHORT_NAME_EN)
        return self.short_label or short_name(self.label, SHORT_NAME_ZH)

    @property
    def display_guidance(self) -> str:
        return self.guidance_en if _english() and self.guidance_en else self.guidance


class BindingScope(models.TextChoices):
    POINT = "point", _("One point")
    EQUIPMENT_TYPE = "equipment_type", _("An equipment type")
    AREA = "area", _("Areas")


# Which binding wins at a point: a lower rank is more specific.
SCOPE_RANK = {BindingScope.POINT: 0, BindingScope.EQUIPMENT_TYPE: 1, BindingScope.AREA: 2}


class ChecklistBinding(models.Model):
    """Where a checklist applies (one of three scopes, the most specific wins).

    * ``point``: that one area or machine;
    * ``equipment_type``: every machine of the type (inside ``area``'s subtree
      when ``area`` is set);
    * area: every point in ``area``'s subtree (the whole enterprise when empty);
      with ``area_kind`` set, only the areas of that kind (no machines).
    """

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="bindings")
    point = models.ForeignKey(
        "inspections.Point", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    equipment_type = models.ForeignKey(
        "facilities.EquipmentType",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    area = models.ForeignKey(
        "facilities.Area", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    area_kind = models.CharField(max_length=10, choices=AreaKind.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(point__isnull=True)
                | (Q(equipment_type__isnull=True) & Q(area__isnull=True) & Q(area_kind="")),
                name="point_binding_names_only_the_point",
            ),
            models.CheckConstraint(
                condition=Q(equipment_type__isnull=True) | Q(area_kind=""),
                name="equipment_type_binding_has_no_area_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checklist.code} @ {self.scope}"

    @property
    def scope(self) -> str:
        if self.point_id:
            return BindingScope.POINT
        if self.equipment_type_id:
            return BindingScope.EQUIPMENT_TYPE
        return BindingScope.AREA
