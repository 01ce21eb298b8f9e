from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "safeloop.platform"
    label = "platform"
    verbose_name = "SafeLoop platform"

    def ready(self) -> None:
        from safeloop.platform.kpis import copy_snapshot
        from safeloop.tenants.reports.signals import kpis_snapshotted

        kpis_snapshotted.connect(copy_snapshot, dispatch_uid="platform.copy_kpis")
