from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Pages for people from outside the enterprise (contractors' workers at the gate);
    no models and no rules of its own: those are in the areas it serves."""

    name = "safeloop.portal"
    label = "portal"
    verbose_name = "Portal"
