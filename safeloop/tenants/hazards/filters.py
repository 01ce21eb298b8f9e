"""The board's filters, shared by the board and the ledger export (台账).

A filter the user got wrong (an unknown grade, a bad date) is shown beside its
field and ignored; the others still apply, so a typo never empties the list.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safeloop.tenants.facilities.fields import AreaChoiceField, PersonChoiceField
from safeloop.tenants.facilities.models import Area, Person
from safeloop.tenants.hazards.models import OPEN_STATES, Grade, Hazard, State
from safeloop.web.forms import SEARCH_WIDGET, FilterForm

OPEN = "open"
ALL = "all"
YES = "yes"
NO = "no"

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def overdue_q(now: datetime) -> Q:
    """Still open after its deadline (the same rule as ``Hazard.is_overdue``)."""
    return Q(state__in=OPEN_STATES, deadline__lt=now)


def in_area_q(area: Area) -> Q:
    """The area itself and everything under it (the tree is three levels deep)."""
    return Q(area=area) | Q(area__parent=area) | Q(area__parent__parent=area)


class HazardFilterForm(FilterForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        help_text=_("Number or title"),
        widget=SEARCH_WIDGET,
    )
    state = forms.ChoiceField(
        label=_("state"),
        required=False,
        choices=[(OPEN, _("Open")), (ALL, _("All states")), *State.choices],
    )
    grade = forms.ChoiceField(
        label=_("grade"), required=False, choices=[("", _("All grades")), *Grade.choices]
    )
    area = AreaChoiceField(label=_("area"), queryset=Area.objects.none(), required=False)
    overdue = forms.ChoiceField(
        label=_("overdue"), required=False, choices=[("", "---------"), (YES, _("Overdue only"))]
    )
    assignee = PersonChoiceField(
        label=_("assignee"), queryset=Person.objects.none(), required=False
    )
    near_miss = forms.ChoiceField(
        label=_("near miss"),
        required=False,
        choices=[("", "---------"), (YES, _("Near misses only")), (NO, _("Hazards only"))],
    )
    date_from = forms.DateField(label=_("reported from"), required=False, widget=DATE_WIDGET)
    date_to = forms.DateField(label=_("reported until"), required=False, widget=DATE_WIDGET)

    def __init__(self, data=None, *args, **kwargs):
        # Always bound: an empty query string means the defaults (open hazards).
        super().__init__(data if data is not None else {}, *args, **kwargs)
        self.fields["area"].queryset = Area.objects.order_by("code")
        self.fields["assignee"].queryset = (
            Person.objects.filter(user__is_active=True)
            .select_related("user")
            .order_by("employee_no")
        )

    @property
    def narrowing(self) -> bool:
        return any(self.data.get(name) for name in self.fields if name not in ("q", "state"))

    def value(self, name: str):
        """The cleaned value of one filter, or None when it is empty or wrong."""
        self.is_valid()
        return self.cleaned_data.get(name) or None

    @property
    def state_filter(self) -> str:
        return self.value("state") or OPEN

    def filter(self, qs: QuerySet[Hazard], now: datetime | None = None) -> QuerySet[Hazard]:
        now = now or timezone.now()
        state = self.state_filter
        if state == OPEN:
            qs = qs.filter(state__in=OPEN_STATES)
        elif state != ALL:
            qs = qs.filter(state=state)
        if text := (self.value("q") or "").strip():
            qs = qs.filter(Q(number__icontains=text) | Q(title__icontains=text))
        if grade := self.value("grade"):
            qs = qs.filter(grade=grade)
        if area := self.value("area"):
            qs = qs.filter(in_area_q(area))
        if self.value("overdue") == YES:
            qs = qs.filter(overdue_q(now))
        if assignee := self.value("assignee"):
            qs = qs.filter(assignee=assignee)
        near_miss = self.value("near_miss")
        if near_miss in (YES, NO):
            qs = qs.filter(is_near_miss=near_miss == YES)
        if date_from := self.value("date_from"):
            qs = qs.filter(reported_at__date__gte=date_from)
        if date_to := self.value("date_to"):
            qs = qs.filter(reported_at__date__lte=date_to)
        return qs


def month_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def summary_counts(qs: QuerySet[Hazard], now: datetime) -> dict[str, int]:
    """The four numbers on top of the board, in one query."""
    return qs.aggregate(
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("pk", filter=overdue_q(now)),
        awaiting=Count("pk", filter=Q(state=State.AWAITING_ACCEPTANCE)),
        near_misses=Count("pk", filter=Q(is_near_miss=True, reported_at__gte=month_start(now))),
    )
