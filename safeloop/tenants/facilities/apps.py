from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "safeloop.tenants.facilities"
    label = "facilities"
    verbose_name = "Facilities"

    def ready(self) -> None:
        from safeloop.tenants.facilities import (  # noqa: F401  (declare, register)
            permissions,
            template_section,
        )
        from safeloop.tenants.facilities.permissions import FacilityPerm
        from safeloop.web.nav import register_nav

        register_nav("home", _("Home"), "workspace:home", order=0)
        register_nav(
            "areas", _("Areas"), "workspace:areas", perm=FacilityPerm.VIEW_FACILITIES, order=80
        )
        register_nav(
            "equipment",
            _("Equipment"),
            "workspace:equipment",
            perm=FacilityPerm.VIEW_FACILITIES,
            order=81,
        )
        register_nav(
            "people", _("People"), "workspace:people", perm=FacilityPerm.VIEW_PEOPLE, order=82
        )
        register_nav(
            "qr_labels",
            _("QR labels"),
            "workspace:qr_labels",
            perm=FacilityPerm.MANAGE_AREAS,
            order=83,
        )
