"""QR labels: choose points and print their labels, print a large sign, replace a label."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safeloop.platform.files import private_download
from safeloop.tenants.facilities.fields import AreaChoiceField
from safeloop.tenants.facilities.labels import DEFAULT_LAYOUT, label_sheet_pdf, sign_pdf
from safeloop.tenants.facilities.models import Area, Equipment, PointKind
from safeloop.tenants.facilities.qr import (
    REASON_MAX_LENGTH,
    QrPoint,
    as_point,
    ensure_can_print,
    point_of,
    points_for_print,
    printable_kinds,
    qr_svg,
    revoke_token,
)
from safeloop.web.forms import SEARCH_WIDGET, FilterForm, ShellForm, apply_service_error
from safeloop.web.guards import forbidden, guarded

PAGE_SIZE = 30
# One request renders at most this many labels (42 pages of 3×8).
MAX_LABELS = 1000
FILTERS = ("q", "area", "kind")
LAYOUT_CHOICES = [
    ("2x5", gettext_lazy("10 per page (2 × 5), large")),
    ("3x8", gettext_lazy("24 per page (3 × 8), small")),
]


class QrFilterForm(FilterForm):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, widget=SEARCH_WIDGET)
    area = AreaChoiceField(
        label=gettext_lazy("in area"), queryset=Area.objects.order_by("code"), required=False
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("points"),
        choices=[("", gettext_lazy("Areas and equipment")), *PointKind.choices],
        required=False,
    )

    def points(self, kinds: list[PointKind]) -> list[QrPoint]:
        """The matching points of ``kinds``: areas first, then machines, each by code."""
        data = self.cleaned_data if self.is_valid() else {"q": "", "area": None, "kind": ""}
        wanted = [k for k in kinds if not data["kind"] or data["kind"] == k]
        q, within = data["q"].strip(), data["area"]
        points: list[QrPoint] = []
        if PointKind.AREA in wanted:
            areas = Area.objects.select_related("parent").order_by("code")
            if q:
                areas = areas.filter(
                    Q(code__icontains=q) | Q(name__icontains=q) | Q(name_en__icontains=q)
                )
            if within is not None:
                areas = areas.filter(_in_area("", within))
            points += [as_point(a) for a in areas]
        if PointKind.EQUIPMENT in wanted:
            machines = Equipment.objects.select_related("area", "equipment_type").order_by("code")
            if q:
                machines = machines.filter(Q(code__icontains=q) | Q(name__icontains=q))
            if within is not None:
                machines = machines.filter(_in_area("area__", within))
            points += [as_point(e) for e in machines]
        return points


def _in_area(prefix: str, area: Area) -> Q:
    """``area`` itself and everything under it (the tree is three levels deep)."""
    return (
        Q(**{f"{prefix}pk": area.pk})
        | Q(**{f"{prefix}parent": area})
        | Q(**{f"{prefix}parent__parent": area})
    )


class LabelsForm(forms.Form):
    """The selection posted from the labels page."""

    layout = forms.ChoiceField(choices=LAYOUT_CHOICES, initial=DEFAULT_LAYOUT)
    scope = forms.ChoiceField(choices=[("selected", "selected"), ("all", "all")])
    areas = forms.ModelMultipleChoiceField(queryset=Area.objects.all(), required=False)
    equipment = forms.ModelMultipleChoiceField(queryset=Equipment.objects.all(), required=False)


class RevokeForm(ShellForm):
    reason = forms.CharField(
        label=gettext_lazy("Why is the label replaced?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example: damaged, stolen, photographed for misuse."),
    )


def _may_print_any(view):
    """Signed in, and allowed to print at least one kind of point (else the 403 page)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not printable_kinds(request.user):
            return forbidden(request)
        return view(request, *args, **kwargs)

    return guarded()(wrapped)


@_may_print_any
def labels(request: HttpRequest) -> HttpResponse:
    kinds = printable_kinds(request.user)
    filters = QrFilterForm(request.GET or None)
    if len(kinds) == 1:
        del filters.fields["kind"]
    page = Paginator(filters.points(kinds), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"point": p, "qr": mark_safe(qr_svg(p.url, label=p.code))} for p in page]
    return render(
        request,
        "facilities/qr_labels.html",
        {
            "filters": filters,
            "page_obj": page,
            "rows": rows,
            "layouts": LAYOUT_CHOICES,
            "default_layout": DEFAULT_LAYOUT,
            "max_labels": MAX_LABELS,
        },
    )


@require_POST
@_may_print_any
def labels_pdf(request: HttpRequest) -> HttpResponse:
    form = LabelsForm(request.POST)
    back = _labels_url(request)
    if not form.is_valid():
        messages.error(request, _("Choose the points again: some of them no longer exist."))
        return redirect(back)
    data = form.cleaned_data
    if data["scope"] == "all":
        filters = QrFilterForm({name: request.POST.get(f"filter_{name}", "") for name in FILTERS})
        chosen = filters.points(printable_kinds(request.user))
        area_ids = [p.pk for p in chosen if p.kind == PointKind.AREA]
        equipment_ids = [p.pk for p in chosen if p.kind == PointKind.EQUIPMENT]
    else:
        area_ids = [a.pk for a in data["areas"]]
        equipment_ids = [e.pk for e in data["equipment"]]
    points = points_for_print(by=request.user, area_ids=area_ids, equipment_ids=equipment_ids)
    if not points:
        messages.error(request, _("Tick the points whose labels you want to print."))
        return redirect(back)
    if len(points) > MAX_LABELS:
        messages.error(
            request,
            _("At most %(n)d labels at a time: narrow the filters.") % {"n": MAX_LABELS},
        )
        return redirect(back)
    pdf = label_sheet_pdf(points, layout=data["layout"])
    return _pdf(pdf, "qr-labels.pdf", attachment=True)


@guarded()
def sign(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    point = _point_or_404(kind, pk)
    ensure_can_print(request.user, point)
    return _pdf(sign_pdf(point), f"qr-sign-{point.code}.pdf", attachment=False)


@guarded()
def revoke(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    point = _point_or_404(kind, pk)
    ensure_can_print(request.user, point)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revoke_token(point.obj, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_error(form, exc, "reason")
        else:
            messages.success(
                request,
                _("The label of %(code)s was replaced: print the new one and put it up.")
                % {"code": point.code},
            )
            return redirect(f"{reverse('workspace:qr_labels')}?{urlencode({'q': point.code})}")
    return render(
        request,
        "facilities/qr_revoke.html",
        {
            "form": form,
            "point": point,
            "qr": mark_safe(qr_svg(point.url, label=point.code)),
        },
        status=400 if form.errors else 200,
    )


def _point_or_404(kind: str, pk: int) -> QrPoint:
    point = point_of(kind, pk)
    if point is None:
        raise Http404
    return point


def _labels_url(request: HttpRequest) -> str:
    """Back to the labels page with the filters the selection was made under."""
    filters = {name: request.POST.get(f"filter_{name}", "") for name in FILTERS}
    query = urlencode({name: value for name, value in filters.items() if value})
    url = reverse("workspace:qr_labels")
    return f"{url}?{query}" if query else url


def _pdf(content: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    return private_download(content, "application/pdf", filename, attachment=attachment)
