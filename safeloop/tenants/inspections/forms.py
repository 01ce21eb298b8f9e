"""Forms of the inspection pages: they collect input; the services decide.

The checklist form has one field per item, named ``item_<id>`` like the keys of
``submit_inspection``'s errors, so a service error lands beside its item.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.tenants.inspections.models import CheckItem, ChecklistVersion, ItemKind
from safeloop.tenants.inspections.services.inspecting import NOT_APPLICABLE

# The page signs the moment it was opened and the version it showed: the timing
# flag needs a start time the phone cannot move, and answers must match the items.
STARTED_SALT = "inspections.checklist-opened"
STARTED_MAX_AGE = 12 * 3600


def sign_opened(version: ChecklistVersion, at: datetime | None = None) -> str:
    at = at or timezone.now()
    return signing.dumps({"v": version.pk, "t": at.timestamp()}, salt=STARTED_SALT)


def read_opened(value: str) -> tuple[int | None, datetime | None]:
    """(version id, opened at) from a signed value; (None, None) when forged or stale."""
    try:
        data = signing.loads(value or "", salt=STARTED_SALT, max_age=STARTED_MAX_AGE)
        opened = datetime.fromtimestamp(float(data["t"]), tz=timezone.get_current_timezone())
        return int(data["v"]), min(opened, timezone.now())
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None, None


def _number(value) -> float | None:
    try:
        number = float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and math.isfinite(number) else None


# Items that can fail, and so take a photo and a note of what was found (``photo_<id>``,
# ``note_<id>``): what a hazard reported from the failed item starts with.
FINDING_KINDS = (ItemKind.PASS_FAIL, ItemKind.NUMBER, ItemKind.CHOICE)


@dataclass(frozen=True)
class ItemRow:
    """One item of the checklist form with its answer field and, where it can fail,
    the fields of its finding (photo and note)."""

    item: CheckItem
    field: forms.BoundField
    photo: forms.BoundField | None = None
    note: forms.BoundField | None = None
    # NUMBER items that allow 不适用: a box beside the number (``na_<id>``).
    na: forms.BoundField | None = None


class ChecklistForm(forms.Form):
    """Raw answers per item (``item_<id>``), a photo and a note per item that can fail
    (``photo_<id>``, ``note_<id>``), the signed opening time and the location."""

    started = forms.CharField(widget=forms.HiddenInput)
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    gps_accuracy_m = forms.CharField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}), label=_("Note")
    )

    def __init__(self, *args, items: list[CheckItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            if item.kind == ItemKind.PHOTO:
                field = forms.FileField(required=False)
            else:
                # Values are parsed by submit_inspection, which knows each kind's rules.
                field = forms.CharField(required=False, max_length=2000)
            self.fields[f"item_{item.pk}"] = field
            if item.allows_na and item.kind == ItemKind.NUMBER:
                self.fields[f"na_{item.pk}"] = forms.BooleanField(required=False)
            if item.kind in FINDING_KINDS:
                self.fields[f"photo_{item.pk}"] = forms.FileField(required=False)
                self.fields[f"note_{item.pk}"] = forms.CharField(
                    required=False, max_length=1000, label=_("What is wrong")
                )

    def clean(self) -> dict:
        data = super().clean()
        lat, lng = _number(data.get("latitude")), _number(data.get("longitude"))
        if lat is None or lng is None or abs(lat) > 90 or abs(lng) > 180:
            lat = lng = None
        accuracy = _number(data.get("gps_accuracy_m"))
        data["latitude"], data["longitude"] = lat, lng
        usable = lat is not None and accuracy is not None and accuracy >= 0
        data["gps_accuracy_m"] = accuracy if usable else None
        return data

    def answers(self) -> tuple[dict[int, str], dict[int, object]]:
        """(answers, photos) keyed by item id, for ``submit_inspection``; a photo is the
        photo item's own, or the photo of what a failed item found."""
        answers, photos = {}, {}
        for item in self.items:
            value = self.cleaned_data.get(f"item_{item.pk}")
            if item.kind == ItemKind.PHOTO:
                if value:
                    photos[item.pk] = value
                continue
            if self.cleaned_data.get(f"na_{item.pk}"):
                value = NOT_APPLICABLE  # the box wins over a number typed before it
            if value not in (None, ""):
                answers[item.pk] = value
            if self.cleaned_data.get(f"photo_{item.pk}"):
                photos[item.pk] = self.cleaned_data[f"photo_{item.pk}"]
        return answers, photos

    def notes(self) -> dict[int, str]:
        """The notes of what failed items found, keyed by item id, for ``submit_inspection``."""
        return {
            item.pk: note
            for item in self.items
            if (note := (self.cleaned_data.get(f"note_{item.pk}") or "").strip())
        }

    def rows(self) -> list[tuple[CheckItem, forms.BoundField]]:
        return [(item, self[f"item_{item.pk}"]) for item in self.items]

    def item_rows(self) -> list[ItemRow]:
        return [
            ItemRow(
                item,
                self[f"item_{item.pk}"],
                self[f"photo_{item.pk}"],
                self[f"note_{item.pk}"],
                self[f"na_{item.pk}"] if f"na_{item.pk}" in self.fields else None,
            )
            if item.kind in FINDING_KINDS
            else ItemRow(item, self[f"item_{item.pk}"])
            for item in self.items
        ]

    @property
    def pass_fail_count(self) -> int:
        return sum(1 for item in self.items if item.kind == ItemKind.PASS_FAIL)


class SkipForm(forms.Form):
    # Required by skip_point, which says so: one rule, one place.
    reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        label=_("Why is this point skipped?"),
    )
