from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safeloop.tenants.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from safeloop.tenants.accounts import permissions  # noqa: F401  (declares)
