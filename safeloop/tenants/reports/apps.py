from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "safeloop.tenants.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from safeloop.access import permission
        from safeloop.tenants.facilities.home_hub import HomePanel, register_home_panel
        from safeloop.tenants.reports.home import panel_context
        from safeloop.tenants.reports.permissions import ReportPerm  # noqa: F401 — declares
        from safeloop.web.nav import register_nav

        register_home_panel(HomePanel("kpis", "reports/_home_kpis.html", panel_context, order=10))
        register_nav(
            "monthly_reports",
            _("Monthly reports"),
            "reports:archive",
            perm=permission("hazards.view_all"),
            order=17,
        )
