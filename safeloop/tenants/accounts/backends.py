"""Authentication backends that load the signed-in user together with their person.

Nearly every page reads ``request.user.person`` (language, roles, the badge):
Django's ModelBackend loads the user in one query and the person then costs a
second. These load both in one. Their import paths are stored in each session
(``_auth_user_backend``); sessions signed in under Django's or allauth's own
paths are moved to these by ``accounts.middleware.AuthenticationMiddleware``,
so a deploy signs nobody out.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import backends, get_user_model
from django.db import connection
from django_tenants.utils import get_public_schema_name


class _UserWithPerson:
    def get_user(self, user_id):
        user_model = get_user_model()
        users = user_model._default_manager.all()
        # People are enterprise rows; the public schema's accounts (HQ) have none.
        public = connection.schema_name == get_public_schema_name()
        if not public:
            users = users.select_related("person")
        try:
            user = users.get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        if public:
            # No person table there: ``user.person`` must answer "none" without a query.
            user._state.fields_cache["person"] = None
        return user if self.user_can_authenticate(user) else None


class ModelBackend(_UserWithPerson, backends.ModelBackend):
    """Django's ModelBackend (PIN and link sign-in, test logins)."""


class EmailBackend(_UserWithPerson, AuthenticationBackend):
    """allauth's e-mail + password backend."""


# The path to name when signing somebody in by code (PIN, link, a portal's sign-in).
MODEL_BACKEND = "safeloop.tenants.accounts.backends.ModelBackend"

# Sessions from before these backends name Django's and allauth's classes.
RENAMED = {
    "django.contrib.auth.backends.ModelBackend": "safeloop.tenants.accounts.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend": (
        "safeloop.tenants.accounts.backends.EmailBackend"
    ),
}
