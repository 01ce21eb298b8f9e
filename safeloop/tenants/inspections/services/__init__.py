"""Inspection services: every state change of inspections goes through these.

Each function checks the actor's permission (its app's ``permissions.py``),
writes the audit trail and raises ``ValidationError`` with a code from
``inspections.errors.InspectionErrorCode`` (keyed by field: GraphQL payload
errors and form errors come from it). Pages, GraphQL resolvers and Celery
tasks call these and nothing else.

Points — ``Point.objects.for_target(area_or_equipment)`` (a QR token resolves
to an Area/Equipment in facilities, then to its point).

Checklists (``inspections.manage``) — ``services.checklists``:
  ``create_checklist(by, code, name, items, name_en="", kind="own")``;
  ``update_checklist(checklist, by, name=, name_en=, is_active=)``;
  ``revise_checklist(checklist, by, items)`` → version (in place while unused,
  else version n+1; ``ItemSpec.from_item`` copies items to edit);
  ``bind_checklist(checklist, by, point= | equipment_type=[, area=] | area=, area_kind=)``;
  ``unbind_checklist(binding, by)``; ``applicable_checklists(point)``;
  ``resolve_checklist(point)`` (point > equipment type > area binding);
  ``set_point_location(point, by, latitude, longitude)``.

Plans and routes (``inspections.manage``) — ``services.plans``:
  ``create_plan(by, name, cadence, ...)`` / ``update_plan(plan, by, **changes)``
  (cadence daily_pre_shift | weekly_special | monthly_comprehensive | custom
  with ``rrule``; ``role`` + ``area`` and/or ``assignees``; points by
  ``point_selection`` subtree | explicit (``points``) | route);
  ``create_route(by, name, shift, points)`` / ``update_route(route, by, ...)``;
  ``start_patrol(route, by)`` (``inspections.do``) → the shift's patrol task.

Doing (``inspections.do``) — ``services.inspecting``:
  ``start_inspection(point, by, checklist=None, task_point=None)`` → Inspection
  (version pinned); ``submit_inspection(inspection, by, answers, photos=,
  notes=, latitude=, longitude=)`` (keyed by item id; errors keyed
  ``item_<id>``); ``skip_point(task_point, by, reason)``; ``next_point(task)``.
  ``services.findings.create_hazard_from_answer(answer, by, grade=None)`` →
  Hazard, through ``hazards.services.report_hazard`` (``hazards.report``).

Reading — ``inspections.selectors`` (``visible_tasks``, ``visible_inspections``,
``tasks_for_day``, ``overdue_tasks``, ``point_history``) and
``services.stats.completion_stats(by, start, end, group_by)``.

Beat — ``inspections.scheduling.tick(now)`` (``generate_tasks`` + ``flag_missed``).
"""

from safeloop.tenants.inspections.services.checklists import (  # noqa: F401
    ItemSpec,
    applicable_checklists,
    bind_checklist,
    create_checklist,
    resolve_checklist,
    revise_checklist,
    set_point_location,
    unbind_checklist,
    update_checklist,
)
from safeloop.tenants.inspections.services.findings import (  # noqa: F401
    create_hazard_from_answer,
)
from safeloop.tenants.inspections.services.inspecting import (  # noqa: F401
    next_point,
    skip_point,
    start_inspection,
    submit_inspection,
)
from safeloop.tenants.inspections.services.plans import (  # noqa: F401
    create_plan,
    create_route,
    start_patrol,
    update_plan,
    update_route,
)
from safeloop.tenants.inspections.services.stats import completion_stats  # noqa: F401
