from __future__ import annotations

from django.conf import settings
from django.utils import translation

from safeloop.platform.health import health_response, live_response

SUPPORTED = [code for code, _name in settings.LANGUAGES]
LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME


class HealthCheckMiddleware:
    """Answer /healthz (readiness) and /livez (liveness) on any host (load balancers probe
    by IP), before tenant routing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return health_response()
        if request.path == "/livez":
            return live_response()
        return self.get_response(request)


def _from_accept_language(header: str) -> str | None:
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()
        if not tag or tag == "*":
            continue
        if tag.startswith("zh"):
            return "zh-hans"
        if tag.startswith("en"):
            return "en"
    return None


def choose_language(request) -> str:
    """The user's saved choice, then this device's choice, then the browser, then the enterprise."""
    user = getattr(request, "user", None)
    person = getattr(user, "person", None) if user is not None and user.is_authenticated else None
    if person is not None and person.language in SUPPORTED:
        return person.language
    cookie = request.COOKIES.get(LANGUAGE_COOKIE)
    if cookie in SUPPORTED:
        return cookie
    browser = _from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
    if browser:
        return browser
    tenant = getattr(request, "tenant", None)
    default = getattr(tenant, "default_language", None)
    return default if default in SUPPORTED else settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Activate the language for this request (runs after sessions; user resolved lazily)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The user is known only after AuthenticationMiddleware; resolve lazily
        # by activating again in process_view.
        language = choose_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        response.headers["Vary"] = ", ".join(
            filter(None, [response.headers.get("Vary"), "Accept-Language", "Cookie"])
        )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        language = choose_language(request)
        if language != request.LANGUAGE_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = language
