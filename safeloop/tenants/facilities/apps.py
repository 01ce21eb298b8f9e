from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "safeloop.tenants.facilities"
    label = "facilities"
    verbose_name = "Facilities"

    def ready(self) -> None:
        from safeloop.tenants.facilities import template_section  # noqa: F401  (registers)
        from safeloop.tenants.facilities.permissions import Perm
        from safeloop.web.nav import register_nav

        register_nav("home", _("Home"), "workspace:home", order=0)
        # Floor staff start from here: scan the label, or report without one.
        register_nav("scan", _("Scan"), "workspace:scan", perm=Perm.HAZARD_REPORT, order=1)
        register_nav(
            "report", _("Report a hazard"), "workspace:report", perm=Perm.HAZARD_REPORT, order=2
        )
        register_nav("areas", _("Areas"), "workspace:areas", perm=Perm.VIEW_FACILITIES, order=80)
        register_nav(
            "equipment", _("Equipment"), "workspace:equipment", perm=Perm.VIEW_FACILITIES, order=81
        )
        register_nav("people", _("People"), "workspace:people", perm=Perm.VIEW_PEOPLE, order=82)
        register_nav(
            "qr_labels", _("QR labels"), "workspace:qr_labels", perm=Perm.MANAGE_AREAS, order=83
        )
