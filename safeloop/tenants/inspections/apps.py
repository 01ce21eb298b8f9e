from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "safeloop.tenants.inspections"
    label = "inspections"
    verbose_name = "Inspections"
