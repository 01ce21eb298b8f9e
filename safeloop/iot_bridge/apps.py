from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IotBridgeConfig(AppConfig):
    name = "safeloop.iot_bridge"
    label = "iot"
    verbose_name = "IoT devices, thresholds and alarms"

    def ready(self) -> None:
        from safeloop.iot_bridge.permissions import IotPerm
        from safeloop.web.nav import register_nav

        register_nav("iot", _("Sensors & alarms"), "iot:board", perm=IotPerm.IOT_VIEW, order=45)
