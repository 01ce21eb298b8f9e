from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "safeloop.tenants.inspections"
    label = "inspections"
    verbose_name = "Inspections"

    def ready(self) -> None:
        from safeloop.tenants.inspections import template_section  # noqa: F401  (registers)
