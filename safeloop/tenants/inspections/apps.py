from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "safeloop.tenants.inspections"
    label = "inspections"
    verbose_name = "Inspections"

    def ready(self) -> None:
        from safeloop.tenants.facilities.point_hub import register_panel
        from safeloop.tenants.inspections import (
            template_section,  # noqa: F401  (registers)
            today,
        )
        from safeloop.tenants.inspections.permissions import InspectionPerm
        from safeloop.tenants.inspections.point_panel import ChecklistPointPanel
        from safeloop.web.nav import register_nav

        register_nav(
            "inspections",
            _("Inspections"),
            "inspections:today",
            perm=InspectionPerm.INSPECTIONS_DO,
            order=12,
        )
        register_nav(
            "inspection_setup",
            _("Inspection set-up"),
            "inspections:setup",
            perm=InspectionPerm.INSPECTIONS_MANAGE,
            order=13,
        )
        today.register()
        register_panel(ChecklistPointPanel())
