"""Who is asking: the session's user (with their person), or an API token's holder."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.http import JsonResponse

from safeloop.tenants.accounts.backends import RENAMED


class AuthenticationMiddleware(DjangoAuthentication):
    """Django's, after moving a session signed in under a renamed backend to its new name.

    Without it every session from before safeloop.tenants.accounts.backends would
    name a backend that is no longer configured, and its user would be signed out.
    """

    def process_request(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key is not None:
            renamed = RENAMED.get(session.get(BACKEND_SESSION_KEY))
            if renamed is not None and renamed in settings.AUTHENTICATION_BACKENDS:
                session[BACKEND_SESSION_KEY] = renamed
        super().process_request(request)


class BearerTokenMiddleware:
    """Per-user API tokens for integrations: ``Authorization: Bearer slk_...``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        tenant = getattr(request, "tenant", None)
        if header.startswith("Bearer ") and tenant is not None and tenant.schema_name != "public":
            from safeloop.tenants.accounts.services import user_for_api_token

            user = user_for_api_token(header[7:].strip())
            if user is None:
                return JsonResponse(
                    {"errors": [{"message": "Invalid or revoked API token."}]}, status=401
                )
            request.user = user
            # Token requests carry no cookie, so CSRF does not apply to them.
            request._dont_enforce_csrf_checks = True
        return self.get_response(request)
