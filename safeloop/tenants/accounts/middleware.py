"""Per-user API tokens for integrations: ``Authorization: Bearer slk_...``."""

from __future__ import annotations

from django.http import JsonResponse


class BearerTokenMiddleware:
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
