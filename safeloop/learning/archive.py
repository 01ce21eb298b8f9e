"""The training archive (一人一档): per person, and the enterprise's completion figures.

Scope as everywhere: ``LEARNING_VIEW_ALL`` reads everyone, ``LEARNING_VIEW_WORKSHOP``
the people of the reader's workshop (its area subtree), anyone else only themselves.

Training completion, as the daily safety-health table reads it: people who finished
this month's required courses / people on the roll. A person's required courses of
a month are their assignments (not cancelled) due by the month's end that were still
open when the month began; they finished when all of them were done by the month's
end (or by today, for the running month). Someone with nothing required counts as
finished: they owe nothing.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from safeloop.access import can
from safeloop.learning.assignment_services import assignments_with_progress, local_today
from safeloop.learning.certificate_services import status_label, status_of
from safeloop.learning.models import Assignment, Attempt, Certificate
from safeloop.learning.permissions import LearningPerm
from safeloop.platform.localdays import day_start
from safeloop.tenants.facilities.models import Area, Person
from safeloop.tenants.facilities.selectors import subtree_ids, workshop_of

MONTHS_SHOWN = 6
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# --- Scope ---------------------------------------------------------------------------


def people_in_scope(user) -> QuerySet[Person]:
    """The people whose training records ``user`` may read."""
    if can(user, LearningPerm.LEARNING_VIEW_ALL):
        return Person.objects.all()
    person = getattr(user, "person", None)
    if person is None:
        return Person.objects.none()
    if can(user, LearningPerm.LEARNING_VIEW_WORKSHOP):
        root = workshop_of(person.area) or person.area
        if root is not None:
            return Person.objects.filter(Q(area_id__in=subtree_ids(root.pk)) | Q(pk=person.pk))
    if can(user, LearningPerm.LEARNING_TAKE):
        return Person.objects.filter(pk=person.pk)
    return Person.objects.none()


def can_see_others(user) -> bool:
    return can(user, LearningPerm.LEARNING_VIEW_ALL) or can(
        user, LearningPerm.LEARNING_VIEW_WORKSHOP
    )


def ensure_can_read_person(user, person: Person) -> None:
    if not people_in_scope(user).filter(pk=person.pk).exists():
        raise PermissionDenied(_("You do not have permission to do this."))


# --- One person -------------------------------------------------------------------------


@dataclass
class PersonArchive:
    person: Person
    assignments: list[Assignment]
    attempts: list[Attempt]
    certificates: list[Certificate]
    hours: Decimal
    today: date

    @property
    def courses_done(self) -> int:
        return sum(1 for a in self.assignments if a.completed_at)

    @property
    def overdue(self) -> int:
        return sum(
            1
            for a in self.assignments
            if a.completed_at is None and a.cancelled_at is None and a.due_on < self.today
        )

    def certificate_rows(self) -> list[tuple[Certificate, str, str]]:
        rows = []
        for cert in self.certificates:
            status = status_of(cert, self.today)
            rows.append((cert, status, status_label(status)))
        return rows


def person_archive(person: Person, *, by, today: date | None = None) -> PersonArchive:
    """Courses, attempts with scores, hours and certificates of one person (4 queries)."""
    ensure_can_read_person(by, person)
    today = today or local_today()
    assignments = list(
        assignments_with_progress(Assignment.objects.filter(person=person)).order_by(
            "-assigned_at", "-pk"
        )
    )
    attempts = list(
        Attempt.objects.filter(person=person, submitted_at__isnull=False)
        .select_related("quiz__course", "quiz__lesson")
        .order_by("-submitted_at")
    )
    certificates = list(
        Certificate.objects.filter(person=person).select_related("course").order_by("-issued_on")
    )
    hours = sum((c.hours for c in certificates if c.revoked_at is None), Decimal(0))
    return PersonArchive(person, assignments, attempts, certificates, hours, today)


# --- The enterprise ------------------------------------------------------------------------


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    nxt = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return nxt - timedelta(days=1)


def _months_back(today: date, count: int) -> list[date]:
    months, current = [], month_start(today)
    for _i in range(count):
        months.append(current)
        current = month_start(current - timedelta(days=1))
    return list(reversed(months))


@dataclass
class Rate:
    key: str
    label: str
    on_roll: int = 0
    finished: int = 0
    overdue_people: int = 0

    @property
    def percent(self) -> float:
        return round(100 * self.finished / self.on_roll, 1) if self.on_roll else 100.0


@dataclass
class OverduePerson:
    person_id: int
    name: str
    employee_no: str
    workshop: str
    job_role: str
    courses: list[str] = field(default_factory=list)
    oldest_due: date | None = None


@dataclass
class ArchiveStats:
    month: date
    total: Rate
    by_month: list[Rate]
    by_workshop: list[Rate]
    by_job_role: list[Rate]
    overdue: list[OverduePerson]


def _finished(rows: list[tuple], start: date, end: date, cutoff: datetime) -> bool:
    """All of the month's required courses done by ``cutoff``."""
    begin = day_start(start)
    for due_on, completed_at, _title in rows:
        if due_on > end:
            continue
        if completed_at is not None and completed_at < begin:
            continue  # done before the month began: not this month's to do
        if completed_at is None or completed_at >= cutoff:
            return False
    return True


def completion_stats(*, by, month: date | None = None, today: date | None = None) -> ArchiveStats:
    """Completion for the month (this one by default): over all, by workshop and job role,
    the last months, and who is overdue now. A fixed number of queries."""
    today = today or local_today()
    month = month_start(month or today)
    people = list(
        people_in_scope(by)
        .filter(user__is_active=True)
        .select_related("user", "job_role")
        .order_by("employee_no")
    )
    if not people:
        empty = Rate("all", _("All"))
        return ArchiveStats(month, empty, [], [], [], [])
    ids = [p.pk for p in people]
    earliest = day_start(min(_months_back(month, MONTHS_SHOWN)))
    per_person: dict[int, list[tuple]] = defaultdict(list)
    for person_id, due_on, completed_at, title in (
        Assignment.objects.filter(person_id__in=ids, cancelled_at__isnull=True)
        .filter(Q(completed_at__isnull=True) | Q(completed_at__gte=earliest))
        .values_list("person_id", "due_on", "completed_at", "course__title")
    ):
        per_person[person_id].append((due_on, completed_at, title))
    areas = {a.pk: a for a in Area.objects.all()}
    for area in areas.values():
        area.parent = areas.get(area.parent_id)

    def workshop_label(person: Person) -> tuple[str, str]:
        shop = workshop_of(areas.get(person.area_id))
        if shop is None:
            return "-", _("No workshop")
        return str(shop.pk), shop.display_name

    def cutoff_of(start: date) -> datetime:
        end = month_end(start)
        return day_start(min(end, today) + timedelta(days=1))

    end, cutoff = month_end(month), cutoff_of(month)
    total = Rate("all", _("All"))
    shops: dict[str, Rate] = {}
    roles: dict[str, Rate] = {}
    overdue: list[OverduePerson] = []
    for person in people:
        rows = per_person.get(person.pk, [])
        done = _finished(rows, month, end, cutoff)
        late = [r for r in rows if r[1] is None and r[0] < today]
        shop_key, shop_name = workshop_label(person)
        role_key = str(person.job_role_id or "-")
        role_name = person.job_role.display_name if person.job_role else _("No job role")
        for bucket in (
            total,
            shops.setdefault(shop_key, Rate(shop_key, shop_name)),
            roles.setdefault(role_key, Rate(role_key, role_name)),
        ):
            bucket.on_roll += 1
            bucket.finished += int(done)
            bucket.overdue_people += int(bool(late))
        if late:
            overdue.append(
                OverduePerson(
                    person.pk,
                    person.full_name,
                    person.employee_no,
                    shop_name,
                    role_name,
                    [r[2] for r in late],
                    min(r[0] for r in late),
                )
            )
    by_month = []
    for start in _months_back(month, MONTHS_SHOWN):
        rate = Rate(start.strftime("%Y-%m"), start.strftime("%Y-%m"))
        if start > today:
            continue
        for person in people:
            rate.on_roll += 1
            rate.finished += int(
                _finished(per_person.get(person.pk, []), start, month_end(start), cutoff_of(start))
            )
        by_month.append(rate)
    overdue.sort(key=lambda o: (o.oldest_due, o.employee_no))
    return ArchiveStats(
        month,
        total,
        by_month,
        sorted(shops.values(), key=lambda r: r.label),
        sorted(roles.values(), key=lambda r: r.label),
        overdue,
    )


@dataclass
class PersonRow:
    person: Person
    workshop: str
    required: int = 0
    done: int = 0
    overdue: int = 0
    hours: Decimal = Decimal(0)
    certificates: int = 0


def roll(*, by, today: date | None = None) -> list[PersonRow]:
    """Every person in scope with their counts (a fixed number of queries)."""
    today = today or local_today()
    people = list(
        people_in_scope(by)
        .filter(user__is_active=True)
        .select_related("user", "job_role", "area")
        .order_by("employee_no")
    )
    ids = [p.pk for p in people]
    areas = {a.pk: a for a in Area.objects.all()}
    for area in areas.values():
        area.parent = areas.get(area.parent_id)
    rows = {}
    for p in people:
        shop = workshop_of(areas.get(p.area_id))
        rows[p.pk] = PersonRow(p, shop.display_name if shop else "")
    for person_id, due_on, completed_at in Assignment.objects.filter(
        person_id__in=ids, cancelled_at__isnull=True
    ).values_list("person_id", "due_on", "completed_at"):
        row = rows[person_id]
        row.required += 1
        row.done += int(completed_at is not None)
        row.overdue += int(completed_at is None and due_on < today)
    for person_id, hours in Certificate.objects.filter(
        person_id__in=ids, revoked_at__isnull=True
    ).values_list("person_id", "hours"):
        rows[person_id].hours += hours
        rows[person_id].certificates += 1
    return list(rows.values())


# --- Exports ---------------------------------------------------------------------------------


def _cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def archive_xlsx(*, by, today: date | None = None) -> bytes:
    """The archive as a workbook: completion summary, the roll, overdue people, certificates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if not can_see_others(by):
        raise PermissionDenied(_("You do not have permission to do this."))
    today = today or local_today()
    stats = completion_stats(by=by, today=today)
    people = roll(by=by, today=today)
    book = Workbook()
    bold = Font(bold=True)

    def sheet(title: str, header: list[str], rows, widths: list[int], first: bool = False):
        ws = book.active if first else book.create_sheet()
        ws.title = title[:31]
        ws.append(header)
        for c in ws[1]:
            c.font = bold
        for row in rows:
            ws.append([_cell(v) for v in row])
        for i, width in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + i)].width = width
        ws.freeze_panes = "A2"
        return ws

    rate_header = [
        _("Group"),
        _("On the roll"),
        _("Finished"),
        _("Completion %"),
        _("Overdue people"),
    ]

    def rate_rows(kind: str, rates: list[Rate]):
        return [[kind, r.label, r.on_roll, r.finished, r.percent, r.overdue_people] for r in rates]

    summary = (
        rate_rows(_("Total"), [stats.total])
        + rate_rows(_("Month"), stats.by_month)
        + rate_rows(_("Workshop"), stats.by_workshop)
        + rate_rows(_("Job role"), stats.by_job_role)
    )
    sheet(_("Completion"), [_("By"), *rate_header], summary, [12, 24, 12, 12, 14, 14], first=True)
    sheet(
        _("People"),
        [
            _("Employee number"),
            _("Name"),
            _("Workshop"),
            _("Job role"),
            _("Required courses"),
            _("Done"),
            pgettext("training", "Overdue"),
            _("Credit hours"),
            _("Certificates"),
        ],
        [
            [
                r.person.employee_no,
                r.person.full_name,
                r.workshop,
                r.person.job_role.display_name if r.person.job_role else "",
                r.required,
                r.done,
                r.overdue,
                float(r.hours),
                r.certificates,
            ]
            for r in people
        ],
        [16, 18, 18, 18, 12, 10, 10, 12, 12],
    )
    sheet(
        pgettext("training", "Overdue"),
        [_("Employee number"), _("Name"), _("Workshop"), _("Job role"), _("Due on"), _("Courses")],
        [
            [o.employee_no, o.name, o.workshop, o.job_role, o.oldest_due, "、".join(o.courses)]
            for o in stats.overdue
        ],
        [16, 18, 18, 18, 12, 60],
    )
    ids = [r.person.pk for r in people]
    sheet(
        _("Certificates"),
        [
            _("Certificate number"),
            _("Employee number"),
            _("Name"),
            _("Course"),
            _("Issued on"),
            _("Valid until"),
            _("Score"),
            _("Status"),
        ],
        [
            [
                c.number,
                c.person.employee_no,
                c.person.full_name,
                c.course.title,
                c.issued_on,
                c.valid_until,
                c.score,
                status_label(status_of(c, today)),
            ]
            for c in Certificate.objects.filter(person_id__in=ids)
            .select_related("person__user", "course")
            .order_by("person__employee_no", "-issued_on")
        ],
        [20, 16, 18, 30, 12, 12, 8, 10],
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def person_archive_pdf(archive: PersonArchive) -> bytes:
    """The person's archive for auditors: A4, Chinese and English headings."""
    from safeloop.learning.archive_pdf import render_person_archive

    return render_person_archive(archive)
