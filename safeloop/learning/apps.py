from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "safeloop.learning"
    label = "learning"
    verbose_name = "Learning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import safeloop.learning.permissions  # noqa: F401  (declares)
