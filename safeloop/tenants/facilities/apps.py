from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "safeloop.tenants.facilities"
    label = "facilities"
    verbose_name = "Facilities"

    def ready(self) -> None:
        from safeloop.tenants.facilities import template_section  # noqa: F401  (registers)
