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
        self._work_while_read_only(ReportPanel)

    @staticmethod
    def _work_while_read_only(report_panel) -> None:
        """A workspace whose subscription lapsed (safeloop/platform/lapse.py) still takes
        hazard reports from QR codes, and the loop on existing hazards can be finished:
        a safety product never blocks a hazard report."""
        from safeloop.platform.lapse import allow_while_read_only
        from safeloop.tenants.facilities.point_hub import posted_panel

        allow_while_read_only(
            "qr:point", when=lambda request: isinstance(posted_panel(request), report_panel)
        )
        for name in ("hazards:act", "hazards:clause", "hazards:verify"):
            allow_while_read_only(name)
