from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "safeloop.platform"
    label = "platform"
    verbose_name = "SafeLoop platform"
