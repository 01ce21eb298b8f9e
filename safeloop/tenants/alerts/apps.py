from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "safeloop.tenants.alerts"
    label = "alerts"
    verbose_name = "Alerts and notifications"

    def ready(self) -> None:
        from safeloop.tenants.alerts.permissions import AlertPerm
        from safeloop.web.nav import register_nav

        register_nav("inbox", _("Notifications"), "alerts:inbox", order=5)
        register_nav(
            "robots", _("Chat robots"), "alerts:robots", perm=AlertPerm.MANAGE_ROBOTS, order=85
        )
