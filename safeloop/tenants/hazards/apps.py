from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "safeloop.tenants.hazards"
    label = "hazards"
    verbose_name = "Hazards"

    def ready(self) -> None:
        from safeloop.tenants.hazards import template_section  # noqa: F401  (registers)
