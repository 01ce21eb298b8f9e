"""The favicon and the web-app manifest, on the public site and on every enterprise's host.

With the manifest a phone's "add to home screen" puts SafeLoop there like an app:
the enterprise's name under its icon, opening on the workspace home.
"""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.http import FileResponse, Http404, HttpRequest, JsonResponse
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from django_tenants.utils import get_public_schema_name

from safeloop.platform.icons import BRAND

FAVICON = "safeloop/icons/favicon.ico"
# A name of at most 12 characters fits under an icon on most launchers.
SHORT_NAME_LENGTH = 12


@require_GET
@cache_control(public=True, max_age=86400)
def favicon(request: HttpRequest) -> FileResponse:
    path = finders.find(FAVICON)
    if not path:
        raise Http404(FAVICON)
    return FileResponse(open(path, "rb"), content_type="image/x-icon")


@require_GET
@cache_control(public=True, max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    tenant = getattr(request, "tenant", None)
    is_enterprise = tenant is not None and tenant.schema_name != get_public_schema_name()
    name = tenant.name if is_enterprise else "SafeLoop"
    try:
        start_url = reverse("workspace:home") if is_enterprise else "/"
    except NoReverseMatch:
        start_url = "/"
    data = {
        "name": name,
        "short_name": name if len(name) <= SHORT_NAME_LENGTH else "SafeLoop",
        "description": _("Work safety, closed loop"),
        "lang": request.LANGUAGE_CODE,
        "id": start_url,
        "start_url": start_url,
        "scope": "/",
        "display": "standalone",
        "background_color": "#f5f7fa",
        "theme_color": BRAND,
        "icons": [
            {
                "src": static("safeloop/icons/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
                "purpose": "any maskable",
            },
            {
                "src": static("safeloop/icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any maskable",
            },
            {"src": static("safeloop/icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response
