from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "safeloop.tenants.reports"
    label = "reports"
    verbose_name = "Reports"
