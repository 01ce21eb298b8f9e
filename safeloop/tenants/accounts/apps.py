from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "safeloop.tenants.accounts"
    label = "accounts"
    verbose_name = "Accounts"
