from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """Pages for people from outside the enterprise (contractors' workers at the gate);
    no models and no rules of its own: those are in the areas it serves."""

    name = "safeloop.portal"
    label = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from safeloop.web.nav import register_nav
        from safeloop.web.outsiders import open_to_outsiders

        register_nav("portal_home", _("My induction"), "portal:home", order=0, outsiders=True)
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
