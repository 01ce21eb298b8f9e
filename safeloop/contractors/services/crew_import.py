"""A crew lead's worker list (班组花名册) from the crew leads' portal (/p/crew/import/).

The same sheet and the same all-or-nothing import as a manager's (``crew_xlsx``), with
a lead's narrower reach:

- only the lead's own company, and only into the crews the lead leads: a row naming
  one of them goes there, a row naming none goes to the crew chosen on the page, a row
  naming any other crew is a row problem (a lead creates no crews);
- an ID number registered for another company's worker is a row problem that names
  neither that company nor the worker: a lead may not move someone else's worker into
  their company (a manager's import and the worker's own registration at the gate may);
- a worker of the lead's company already in a crew the lead does not lead stays there:
  a row problem (moving people between crews is the contractor manager's);
- the lead confirms each worker's consent to the privacy notice, as a manager does;
- every change is audited as the lead's user, with ``via="crew_portal"`` and ``lead``.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from safeloop.contractors.models import ContractorWorker, Crew
from safeloop.contractors.services.crew_xlsx import (
    ImportResult,
    import_worker_list,
    template_file,
)
from safeloop.contractors.services.worker_sheet import RowProblem, WorkerListError
from safeloop.contractors.services.workers import Consent
from safeloop.platform.errors import field_error

VIA = "crew_portal"


class CrewImportErrorCode:
    CREW_REQUIRED = "crew_required"
    NOT_YOUR_CREW = "not_your_crew"
    # Said alike whatever the other company: the lead learns nothing about it.
    NOT_ALLOWED = "not_allowed"
    OTHER_CREW = "other_crew"


def crews_led_by(lead: ContractorWorker) -> list[Crew]:
    """The crews a lead may fill: those naming them lead, of their own company."""
    return list(Crew.objects.filter(lead=lead, company_id=lead.company_id).order_by("name", "id"))


def _ensure_lead(lead: ContractorWorker) -> list[Crew]:
    crews = crews_led_by(lead) if lead.blacklisted_at is None else []
    if not crews or lead.person_id is None:
        raise PermissionDenied("not a crew lead")
    return crews


def lead_template(lead: ContractorWorker) -> bytes:
    """The worker list template, its crew column limited to the lead's crews."""
    return template_file(crews=[c.name for c in _ensure_lead(lead)])


def import_crew_list(
    lead: ContractorWorker,
    file,
    *,
    consent: Consent | None,
    crew: Crew | None = None,
    today: date | None = None,
) -> ImportResult:
    """Register the sheet's workers for the lead's company into the lead's crews, all or
    none (see the module doc). ``crew`` takes the rows that name no crew; a lead of one
    crew need not give it."""
    crews = _ensure_lead(lead)
    if crew is None and len(crews) == 1:
        crew = crews[0]
    if crew is None or crew.pk not in {c.pk for c in crews}:
        raise WorkerListError(
            [
                RowProblem(
                    None,
                    "crew",
                    _("Choose one of your crews for the workers."),
                    CrewImportErrorCode.CREW_REQUIRED
                    if crew is None
                    else CrewImportErrorCode.NOT_YOUR_CREW,
                )
            ]
        )
    led = {c.pk for c in crews}

    def may_update(worker: ContractorWorker) -> None:
        if worker.company_id != lead.company_id:
            raise field_error(
                "id_number",
                _(
                    "this worker cannot be added from the crew portal; ask the site's "
                    "contractor manager to register them"
                ),
                CrewImportErrorCode.NOT_ALLOWED,
            )
        if worker.crew_id is not None and worker.crew_id not in led:
            raise field_error(
                "crew",
                _(
                    "this worker is in the crew “%(crew)s”, which you do not lead; ask the "
                    "contractor manager to move them"
                )
                % {"crew": worker.crew.name},
                CrewImportErrorCode.OTHER_CREW,
            )

    return import_worker_list(
        lead.company,
        file,
        by=lead.person.user,
        consent=consent,
        create_crews=False,
        crews=crews,
        default_crew=crew,
        may_update=may_update,
        today=today,
        via=VIA,
        lead=lead.pk,
    )
