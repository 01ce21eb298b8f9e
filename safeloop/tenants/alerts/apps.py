from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "safeloop.tenants.alerts"
    label = "alerts"
    verbose_name = "Alerts and notifications"
