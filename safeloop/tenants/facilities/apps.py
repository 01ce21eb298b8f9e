from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "safeloop.tenants.facilities"
    label = "facilities"
    verbose_name = "Facilities"

    def ready(self) -> None:
        from safeloop.tenants.facilities import (  # noqa: F401  (declare, register)
            permissions,
            template_section,
        )
