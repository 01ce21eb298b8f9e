from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "safeloop.tenants.risks"
    label = "risks"
    verbose_name = "Risks"

    def ready(self) -> None:
        import safeloop.tenants.risks.template_section  # noqa: F401  (registers)
        from safeloop.tenants.hazards.signals import hazard_reported
        from safeloop.tenants.inspections.signals import answer_reported
        from safeloop.tenants.risks import flags
        from safeloop.tenants.risks.permissions import RiskPerm
        from safeloop.web.nav import register_nav

        hazard_reported.connect(flags.on_hazard_reported, dispatch_uid="risks.flag_hazard")
        answer_reported.connect(flags.on_answer_reported, dispatch_uid="risks.flag_answer")
        register_nav("risks", _("Risks"), "risks:register", perm=RiskPerm.RISKS_VIEW, order=14)
        register_nav(
            "inventories",
            _("Confined spaces and dust"),
            "risks:inventories",
            perm=RiskPerm.RISKS_VIEW,
            order=16,
        )
        register_nav(
            "risk_map", _("Four-colour risk map"), "risks:map", perm=RiskPerm.RISKS_VIEW, order=15
        )
