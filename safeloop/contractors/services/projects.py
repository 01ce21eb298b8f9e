"""Editing a company's projects and crews, and moving a worker between crews.

Creating them is in :mod:`companies` (with the company's other records); these are the
later changes. A project's dates and active flag decide whether its workers may enter
(:mod:`passes`), so a change there refreshes their passes once it has committed; a
crew's project decides which project a worker is judged on, so moving a worker or a
crew does too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from safeloop.access import ensure_can
from safeloop.contractors.models import ContractorWorker, Crew, Project
from safeloop.contractors.permissions import ContractorPerm
from safeloop.contractors.services.companies import (
    ContractorErrorCode,
    _save_unique,
    check_crew,
    check_project_dates,
    check_responsible,
    clean_text,
    crew_name_taken,
)
from safeloop.contractors.services.passes import refresh_after_commit
from safeloop.platform.errors import field_error
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import Area, Person

# What a project's workers' passes depend on (the areas become the pass's zones).
PASS_FIELDS = ("starts_on", "ends_on", "active", "areas")


@transaction.atomic
def update_project(
    project: Project,
    *,
    by,
    name: str,
    starts_on: date,
    ends_on: date,
    responsible: Person,
    areas: Iterable[Area] = (),
    active: bool = True,
) -> Project:
    """Change a project; ending or deactivating it suspends its workers' passes (with
    the reason), extending or reactivating it restores them."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    project = Project.objects.select_for_update().get(pk=project.pk)
    name = clean_text(name, "name", max_length=120)
    check_project_dates(starts_on, ends_on)
    check_responsible(responsible)
    area_ids = sorted({area.pk for area in areas})
    values = {
        "name": name,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "responsible": responsible.pk,
        "active": bool(active),
    }
    current = {
        "name": project.name,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "responsible": project.responsible_id,
        "active": project.active,
    }
    changed = {k: v for k, v in values.items() if current[k] != v}
    if sorted(project.areas.values_list("pk", flat=True)) != area_ids:
        changed["areas"] = area_ids
    if not changed:
        return project
    project.name, project.starts_on, project.ends_on = name, starts_on, ends_on
    project.responsible, project.active = responsible, bool(active)
    project.save()
    if "areas" in changed:
        project.areas.set(area_ids)
    record_event(
        project, "contractors.project_updated", by=by, company=project.company_id, **changed
    )
    if any(key in changed for key in PASS_FIELDS):
        refresh_after_commit(
            ContractorWorker.objects.filter(company_id=project.company_id), "project"
        )
    return project


@transaction.atomic
def update_crew(
    crew: Crew,
    *,
    by,
    name: str,
    project: Project | None = None,
    lead: ContractorWorker | None = None,
) -> Crew:
    """Rename a crew, put it on another of the company's projects, or give it another
    lead (who joins the crew)."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    crew = Crew.objects.select_for_update().get(pk=crew.pk)
    name = check_crew(crew.company_id, name=name, project=project, lead=lead, crew_id=crew.pk)
    values = {
        "name": name,
        "project": project.pk if project else None,
        "lead": lead.pk if lead else None,
    }
    current = {"name": crew.name, "project": crew.project_id, "lead": crew.lead_id}
    changed = {k: v for k, v in values.items() if current[k] != v}
    if not changed:
        return crew
    crew.name, crew.project, crew.lead = name, project, lead
    _save_unique(crew, crew_name_taken())
    moved = []
    if lead is not None and lead.crew_id != crew.pk:
        ContractorWorker.objects.filter(pk=lead.pk).update(crew=crew)
        moved.append(lead.pk)
    record_event(crew, "contractors.crew_updated", by=by, company=crew.company_id, **changed)
    if "project" in changed or moved:
        # The lead moved in above: the crew's workers now include them.
        refresh_after_commit(ContractorWorker.objects.filter(crew=crew), "crew")
    return crew


@transaction.atomic
def move_worker_to_crew(worker: ContractorWorker, *, by, crew: Crew | None) -> ContractorWorker:
    """Put a worker in one of the company's crews (``None``: in none). A crew lead who
    leaves their crew no longer leads it."""
    ensure_can(by, ContractorPerm.CONTRACTOR_MANAGE)
    worker = ContractorWorker.objects.select_for_update().get(pk=worker.pk)
    if crew is not None and crew.company_id != worker.company_id:
        raise field_error(
            "crew",
            _("This crew belongs to another company."),
            ContractorErrorCode.WRONG_COMPANY,
        )
    before = worker.crew_id
    after = crew.pk if crew else None
    if before == after:
        return worker
    worker.crew = crew
    worker.save(update_fields=["crew", "updated_at"])
    left_lead = False
    if before is not None:
        left_lead = bool(Crew.objects.filter(pk=before, lead=worker).update(lead=None))
    record_event(
        worker,
        "contractors.worker_moved",
        by=by,
        company=worker.company_id,
        crew_from=before,
        crew_to=after,
        left_lead=left_lead,
    )
    refresh_after_commit([worker], "crew")
    return worker
