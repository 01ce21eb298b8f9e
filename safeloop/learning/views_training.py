"""The training pages: my courses (phone first), certificates, course packs, the archive,
and the public certificate check. Thin: the rules are in the services."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from safeloop.access import can
from safeloop.learning import archive as archive_services
from safeloop.learning.assignment_services import my_courses as my_courses_of
from safeloop.learning.assignment_services import save_pack
from safeloop.learning.certificate_services import (
    can_read_certificate,
    ensure_pdf,
    revoke_certificate,
    status_label,
    status_of,
    verify,
)
from safeloop.learning.forms_training import PackForm, RevokeForm
from safeloop.learning.models import Certificate, CoursePack
from safeloop.learning.permissions import LearningPerm
from safeloop.platform.files import private_download
from safeloop.tenants.facilities.models import Person
from safeloop.web.forms import submit_form
from safeloop.web.guards import forbidden, guarded

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _person(request: HttpRequest) -> Person:
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied
    return person


@guarded(LearningPerm.LEARNING_TAKE)
def my_courses(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    courses = my_courses_of(person)
    sections = [
        ("overdue", pgettext("training", "Overdue"), courses.overdue),
        ("due_soon", _("Due soon"), courses.due_soon),
        ("required", pgettext("training", "Required"), courses.required),
        ("done", _("Done"), courses.done),
    ]
    return render(
        request,
        "learning/training/my_courses.html",
        {
            "courses": courses,
            "sections": sections,
            "can_see_others": archive_services.can_see_others(request.user),
        },
    )


@guarded(LearningPerm.LEARNING_TAKE)
def certificates(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    rows = [
        (cert, status_of(cert), status_label(status_of(cert)))
        for cert in Certificate.objects.filter(person=person).select_related("course")
    ]
    return render(request, "learning/training/certificates.html", {"rows": rows})


@guarded()
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(
        Certificate.objects.select_related("person__user", "course"), pk=pk
    )
    if not can_read_certificate(request.user, certificate):
        raise Http404
    return private_download(
        ensure_pdf(certificate), "application/pdf", f"{certificate.number}.pdf", attachment=False
    )


@require_POST
@guarded(LearningPerm.LEARNING_VIEW_ALL)
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = get_object_or_404(Certificate, pk=pk)
    form = RevokeForm(request.POST)
    target = reverse("learning:person_archive", args=[certificate.person_id])
    if submit_form(
        form, lambda data: revoke_certificate(certificate, by=request.user, reason=data["reason"])
    ):
        messages.success(request, _("Certificate %(n)s revoked.") % {"n": certificate.number})
    else:
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, errors or _("Give a reason."))
    return redirect(f"{target}#certificates")


@guarded(LearningPerm.LEARNING_MANAGE)
def packs(request: HttpRequest) -> HttpResponse:
    rows = list(
        CoursePack.objects.prefetch_related("items__course", "job_roles", "areas", "people__user")
    )
    return render(request, "learning/training/packs.html", {"packs": rows})


@guarded(LearningPerm.LEARNING_MANAGE)
def pack_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    pack = get_object_or_404(CoursePack, pk=pk) if pk else None
    initial = PackForm.initial_for(pack) if pack else None
    form = PackForm(request.POST or None, initial=initial)

    def save(data: dict) -> None:
        save_pack(
            by=request.user,
            pack=pack,
            code=data["code"],
            name=data["name"],
            name_en=data["name_en"],
            courses=data["courses"],
            job_roles=data["job_roles"],
            areas=data["areas"],
            people=data["people"],
            due_days=data["due_days"],
            renewal_months=data["renewal_months"],
            active=data["active"],
        )

    if request.method == "POST" and submit_form(form, save, "code"):
        messages.success(request, _("Course pack saved; assignments updated."))
        return redirect("learning:packs")
    return render(
        request,
        "learning/training/pack_form.html",
        {
            "form": form,
            "pack": pack,
            "title": _("Edit course pack") if pack else _("New course pack"),
        },
    )


def _month(value: str | None) -> date | None:
    try:
        year, month = (value or "").split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        return None


@guarded()
def archive(request: HttpRequest) -> HttpResponse:
    if not archive_services.can_see_others(request.user):
        person = getattr(request.user, "person", None)
        if person is not None and can(request.user, LearningPerm.LEARNING_TAKE):
            return redirect("learning:person_archive", person_id=person.pk)
        return forbidden(request)
    stats = archive_services.completion_stats(
        by=request.user, month=_month(request.GET.get("month"))
    )
    return render(
        request,
        "learning/training/archive.html",
        {"stats": stats, "people": archive_services.roll(by=request.user)},
    )


@guarded()
def archive_export(request: HttpRequest) -> HttpResponse:
    data = archive_services.archive_xlsx(by=request.user)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="training-archive.xlsx"'
    return response


def _archive_of(request: HttpRequest, person_id: int):
    person = Person.objects.select_related("user", "job_role", "area").filter(pk=person_id).first()
    if person is None:
        raise Http404
    try:
        return archive_services.person_archive(person, by=request.user)
    except PermissionDenied:
        raise Http404 from None


@guarded()
def person_archive(request: HttpRequest, person_id: int) -> HttpResponse:
    record = _archive_of(request, person_id)
    return render(
        request,
        "learning/training/person_archive.html",
        {
            "record": record,
            "can_revoke": can(request.user, LearningPerm.LEARNING_VIEW_ALL),
            "revoke_form": RevokeForm(),
        },
    )


@guarded()
def person_archive_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    record = _archive_of(request, person_id)
    return private_download(
        archive_services.person_archive_pdf(record),
        "application/pdf",
        f"training-record-{record.person.employee_no}.pdf",
        attachment=False,
    )


@never_cache
def certificate_verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public, no sign-in: valid / expired / revoked, the course, the name, the dates."""
    result = verify(token)
    response = render(
        request,
        "learning/training/verify.html",
        {"certificate": result},
        status=200 if result else 404,
    )
    response["X-Robots-Tag"] = "noindex"
    return response
