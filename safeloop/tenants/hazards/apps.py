from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "safeloop.tenants.hazards"
    label = "hazards"
    verbose_name = "Hazards"

    def ready(self) -> None:
        from safeloop.tenants.facilities.nav import register_nav
        from safeloop.tenants.facilities.permissions import Perm
        from safeloop.tenants.facilities.point_hub import register_panel
        from safeloop.tenants.hazards import (
            template_section,  # noqa: F401  (registers)
            today,
        )
        from safeloop.tenants.hazards.point_panel import ReportPanel

        register_nav("hazards", _("Hazards"), "hazards:board", perm=Perm.HAZARD_REPORT, order=10)
        register_nav(
            "hazard_settings",
            _("Hazard settings"),
            "hazards:config",
            perm=Perm.HAZARD_CONFIGURE,
            order=86,
        )
        today.register()
        register_panel(ReportPanel())
