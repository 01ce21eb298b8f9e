from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractorsConfig(AppConfig):
    name = "safeloop.contractors"
    label = "contractors"
    verbose_name = "Contractors"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import safeloop.contractors.permissions  # noqa: F401  (declares)
        import safeloop.contractors.receivers  # noqa: F401  (connects)
        from safeloop.contractors.permissions import ContractorPerm
        from safeloop.contractors.services.crew_portal import crew_escalation
        from safeloop.tenants.hazards.routing import register_first_escalation_level
        from safeloop.web.nav import register_nav

        register_nav(
            "contractors",
            _("Contractors"),
            "contractors:companies",
            perm=ContractorPerm.CONTRACTOR_VIEW,
            order=40,
        )
        register_nav(
            "gate_check",
            _("Gate check"),
            "contractors:gate_check",
            perm=ContractorPerm.GATE_CHECK,
            order=41,
        )
        # An overdue hazard of a crew's lead goes up to the project's responsible person.
        register_first_escalation_level(crew_escalation)
