from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "safeloop.platform"
    label = "platform"
    verbose_name = "SafeLoop platform"

    def ready(self) -> None:
        from safeloop.platform.kpis import copy_snapshot
        from safeloop.tenants.reports.signals import kpis_snapshotted

        kpis_snapshotted.connect(copy_snapshot, dispatch_uid="platform.copy_kpis")

        from django.utils.translation import gettext_lazy as _

        from safeloop.access import permission
        from safeloop.platform.oversight import SHARE, grade_panel
        from safeloop.tenants.facilities.home_hub import HomePanel, register_home_panel
        from safeloop.tenants.reports import permissions  # noqa: F401 — declares SHARE first
        from safeloop.web.nav import register_nav

        register_nav("sharing", _("Group & authority"), "sharing", perm=permission(SHARE), order=88)

        from safeloop.platform.billing.permissions import BillingPerm

        register_nav(
            "billing", _("Billing"), "billing:page", perm=BillingPerm.BILLING_MANAGE, order=90
        )
        register_home_panel(
            HomePanel("grade", "platform/oversight/_home_grade.html", grade_panel, order=12)
        )
