from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "safeloop.tenants.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from safeloop.tenants.facilities.home_hub import HomePanel, register_home_panel
        from safeloop.tenants.reports.home import panel_context

        register_home_panel(HomePanel("kpis", "reports/_home_kpis.html", panel_context, order=10))
