from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "safeloop.tenants.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from safeloop.access import permission
        from safeloop.tenants.facilities.home_hub import HomePanel, register_home_panel
        from safeloop.tenants.reports.dashboard import charts_panel, hazards_panel
        from safeloop.tenants.reports.home import panel_context
        from safeloop.tenants.reports.permissions import ReportPerm  # noqa: F401 — declares
        from safeloop.web.nav import register_nav

        register_home_panel(HomePanel("kpis", "reports/_home_kpis.html", panel_context, order=10))
        # On a phone the daily table comes first, then the hazard counts, then the charts.
        register_home_panel(
            HomePanel("hazards", "reports/_home_hazards.html", hazards_panel, order=11)
        )
        register_home_panel(
            HomePanel("charts", "reports/_home_charts.html", charts_panel, order=20)
        )
        register_nav(
            "monthly_reports",
            _("Monthly reports"),
            "reports:archive",
            perm=permission("hazards.view_all"),
            order=17,
        )
        # A workspace whose subscription lapsed is read-only, but its data stays its own:
        # the admin can still take it all out.
        from safeloop.platform.lapse import allow_while_read_only

        allow_while_read_only("reports:export_start")
