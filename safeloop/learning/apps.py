from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "safeloop.learning"
    label = "learning"
    verbose_name = "Learning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import safeloop.learning.permissions  # noqa: F401  (declares)
        from safeloop.learning.permissions import LearningPerm
        from safeloop.web.nav import register_nav

        register_nav(
            "learning_bank",
            _("Question bank"),
            "learning:bank",
            perm=LearningPerm.LEARNING_MANAGE,
            order=62,
        )
