from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "safeloop.tenants.audit"
    label = "audit"
    verbose_name = "Audit trail"
