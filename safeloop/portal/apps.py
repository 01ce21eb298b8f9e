from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Pages for people from outside the enterprise (contractors' workers at the gate);
    no models and no rules of its own: those are in the areas it serves."""

    name = "safeloop.portal"
    label = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from safeloop.contractors.permissions import ContractorPerm
        from safeloop.web.nav import register_nav
        from safeloop.web.outsiders import open_to_outsiders

        register_nav(
            "portal_crew",
            _("My crew"),
            "portal:crew",
            perm=ContractorPerm.CREW_PORTAL,
            order=0,
            outsiders=True,
        )
        # "portal:home" sends a crew lead to their crew: their own induction is here.
        register_nav("portal_home", _("My induction"), "portal:induction", order=1, outsiders=True)
        # A worker takes the induction courses and exams on the learning pages, as
        # their person; nothing else of learning (packs, bank, archive) is theirs.
        open_to_outsiders(
            "learning:my_courses",
            "learning:course",
            "learning:lesson",
            "learning:lesson_progress",
            "learning:lesson_document",
            "learning:lesson_image",
            "learning:quiz",
            "learning:attempt",
            "learning:attempt_result",
            "learning:certificates",
            "learning:certificate_pdf",
            "wagtaildocs_serve",
            "cms_image",
            "alerts:inbox",
            "alerts:open",
            "alerts:mark_all_read",
        )
        # A crew lead fixes the hazards assigned to them on the hazard pages and reports
        # from QR points; the rows and files they reach are decided by the hazards'
        # visibility (reported by them or assigned to them), the steps by the services.
        open_to_outsiders(
            "hazards:detail",
            "hazards:act",
            "hazards:photo",
            "hazards:signature",
            "hazards:acceptance_signature",
            "qr:point",
        )
