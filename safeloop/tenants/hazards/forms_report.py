"""The hazard report form of the QR point page: it parses input; report_hazard decides."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.tenants.facilities.models import Equipment, Shift
from safeloop.tenants.hazards.models import LibraryEntry

MAX_DESCRIPTION = 1000


def shift_for(moment: datetime | None = None) -> str:
    """The shift at ``moment`` in the enterprise's time: day 08–16, middle 16–24, night 00–08."""
    hour = timezone.localtime(moment or timezone.now()).hour
    if 8 <= hour < 16:
        return Shift.DAY
    if hour >= 16:
        return Shift.MIDDLE
    return Shift.NIGHT


def _number(value: str | None) -> float | None:
    try:
        number = float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and math.isfinite(number) else None


class ReportForm(forms.Form):
    """Everything but the photos, which the view takes from ``request.FILES``."""

    library_entry = forms.ModelChoiceField(
        queryset=LibraryEntry.objects.filter(is_active=True),
        required=False,
        widget=forms.RadioSelect,
        label=_("What is wrong"),
    )
    description = forms.CharField(
        required=False,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Short description"),
    )
    is_near_miss = forms.BooleanField(required=False, label=_("This was a near miss"))
    shift = forms.ChoiceField(choices=Shift.choices, label=_("Shift"))
    anonymous = forms.BooleanField(required=False, label=_("Report anonymously"))
    # Filled by the browser when the reporter allows location; never required.
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    gps_accuracy_m = forms.CharField(required=False, widget=forms.HiddenInput)
    # One key per form shown: a resend of the same form (a retry after a timeout, a
    # double tap) files nothing twice. A form re-shown with errors keeps its key.
    client_key = forms.CharField(
        required=False, max_length=100, widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex
    )

    def __init__(self, *args, allow_anonymous: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_anonymous:
            del self.fields["anonymous"]

    def clean(self) -> dict:
        data = super().clean()
        # A bad or partial location is dropped, never an error: GPS must not block a report.
        lat, lng = _number(data.get("latitude")), _number(data.get("longitude"))
        if lat is None or lng is None or abs(lat) > 90 or abs(lng) > 180:
            lat = lng = None
        accuracy = _number(data.get("gps_accuracy_m"))
        data["latitude"], data["longitude"] = lat, lng
        usable = lat is not None and accuracy is not None and accuracy >= 0
        data["gps_accuracy_m"] = accuracy if usable else None
        return data


@dataclass
class LibrarySection:
    title: str
    entries: list[LibraryEntry] = field(default_factory=list)
    is_equipment: bool = False


def library_sections(equipment: Equipment | None) -> list[LibrarySection]:
    """The library as the page lists it: the machine's own entries first, then by category."""
    entries = list(LibraryEntry.objects.filter(is_active=True).select_related("category"))
    type_id = equipment.equipment_type_id if equipment is not None else None
    sections: list[LibrarySection] = []
    if type_id is not None:
        own = [e for e in entries if e.equipment_type_id == type_id]
        if own:
            title = _("For this %(type)s") % {"type": equipment.equipment_type.display_name}
            sections.append(LibrarySection(str(title), own, is_equipment=True))
    by_category: dict[int, LibrarySection] = {}
    for entry in sorted(entries, key=lambda e: (e.category.code, e.code)):
        if type_id is not None and entry.equipment_type_id == type_id:
            continue
        section = by_category.get(entry.category_id)
        if section is None:
            section = by_category[entry.category_id] = LibrarySection(entry.category.display_name)
            sections.append(section)
        section.entries.append(entry)
    return sections


def real_uploads(files: list) -> list:
    """The photo slots left empty arrive as nameless, empty parts: drop them."""
    return [f for f in files if getattr(f, "name", "") and getattr(f, "size", 0)]
