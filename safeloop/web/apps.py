from django.apps import AppConfig


class WebConfig(AppConfig):
    """The page shell every app plugs into: layout, navigation, form helpers, guards.

    It sits below the apps and imports none of them, only the roles and
    permissions (``facilities/permissions.py`` until the access module has its
    own place). Apps register their navigation entries from their own
    ``AppConfig.ready()`` (see ``nav.py``).
    """

    name = "safeloop.web"
    label = "web"
    verbose_name = "Web shell"
