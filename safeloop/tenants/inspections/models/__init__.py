"""Inspections (安全检查): points, checklists, plans, tasks and the inspections done.

A *point* (检查点) is one area or one piece of equipment: :class:`Point` holds
that reference (exactly one of the two, a check constraint says so) and the
point's recorded GPS location, so facilities needs no inspection fields. Every
other model refers to a point through ``Point``; ``Point.objects.for_target``
turns an ``Area``/``Equipment`` (e.g. from a QR token) into its point.
"""

from safeloop.tenants.inspections.models.checklists import (  # noqa: F401
    BindingScope,
    CheckItem,
    Checklist,
    ChecklistBinding,
    ChecklistKind,
    ChecklistVersion,
    ItemKind,
)
from safeloop.tenants.inspections.models.plans import (  # noqa: F401
    Cadence,
    InspectionPlan,
    InspectionTask,
    PatrolRoute,
    PlanPoint,
    PointSelection,
    RouteStop,
    TaskPoint,
    TaskState,
)
from safeloop.tenants.inspections.models.points import Point  # noqa: F401
from safeloop.tenants.inspections.models.records import (  # noqa: F401
    Answer,
    Inspection,
    InspectionResult,
)
