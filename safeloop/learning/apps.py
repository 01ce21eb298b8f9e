from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "safeloop.learning"
    label = "learning"
    verbose_name = "Learning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import safeloop.learning.permissions  # noqa: F401  (declares)
        import safeloop.learning.receivers  # noqa: F401  (connects)
        import safeloop.learning.template_section  # noqa: F401  (registers)
        from safeloop.learning.permissions import LearningPerm
        from safeloop.web.nav import register_nav

        register_nav(
            "learning_bank",
            _("Question bank"),
            "learning:bank",
            perm=LearningPerm.LEARNING_MANAGE,
            order=62,
        )
        register_nav(
            "my_courses",
            _("My courses"),
            "learning:my_courses",
            perm=LearningPerm.LEARNING_TAKE,
            order=30,
        )
        # The Wagtail admin at /cms/ (tenant hosts only; the public host has no such URL,
        # so the entry is left out there). Wagtail's own permissions follow cms.py.
        register_nav(
            "course_editor",
            _("Course editor"),
            "wagtailadmin_home",
            perm=LearningPerm.LEARNING_MANAGE,
            order=31,
        )
        register_nav(
            "course_packs",
            _("Course packs"),
            "learning:packs",
            perm=LearningPerm.LEARNING_MANAGE,
            order=32,
        )
        # The nav takes one permission per entry: workshop directors and team leaders
        # reach their workshop's archive from "My courses".
        register_nav(
            "training_archive",
            _("Training archive"),
            "learning:archive",
            perm=LearningPerm.LEARNING_VIEW_ALL,
            order=33,
        )
