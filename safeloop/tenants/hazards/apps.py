from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "safeloop.tenants.hazards"
    label = "hazards"
    verbose_name = "Hazards"

    def ready(self) -> None:
        from safeloop.tenants.facilities.point_hub import register_panel
        from safeloop.tenants.hazards import (
            template_section,  # noqa: F401  (registers)
            today,
        )
        from safeloop.tenants.hazards.permissions import HazardPerm
        from safeloop.tenants.hazards.point_panel import ReportPanel
        from safeloop.web.nav import register_nav

        register_nav(
            "hazards", _("Hazards"), "hazards:board", perm=HazardPerm.HAZARD_REPORT, order=10
        )
        # Floor staff start from here: scan the label, or report without one.
        register_nav("scan", _("Scan"), "workspace:scan", perm=HazardPerm.HAZARD_REPORT, order=1)
        register_nav(
            "report",
            _("Report a hazard"),
            "workspace:report",
            perm=HazardPerm.HAZARD_REPORT,
            order=2,
        )
        register_nav(
            "hazard_settings",
            _("Hazard settings"),
            "hazards:config",
            perm=HazardPerm.HAZARD_CONFIGURE,
            order=86,
        )
        today.register()
        register_panel(ReportPanel())
