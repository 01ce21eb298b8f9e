"""Signing in on an enterprise's host: one-time links, quick phone login, language choice."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeloop.platform.middleware import choose_language
from safeloop.tenants.accounts.backends import MODEL_BACKEND
from safeloop.tenants.accounts.forms import QuickLoginForm
from safeloop.tenants.accounts.language import is_supported_language, set_person_language
from safeloop.tenants.accounts.services import QuickLoginError, consume_signin_link, quick_login
from safeloop.tenants.facilities.models import Person

# Holds the employee number of the worker this phone belongs to (signed, per enterprise).
DEVICE_COOKIE = "safeloop_device"
# Django's default language cookie ends with the browser session; a shared phone
# on the shop floor should keep its language longer than that.
LANGUAGE_COOKIE_FALLBACK_AGE = 365 * 86400
# Phone browsers, and the in-app browsers of the chat apps robots post links to
# (WeChat, WeCom, DingTalk, Feishu/Lark), say so in their user agent.
PHONE_AGENT = re.compile(r"Mobi|Android|iPhone|iPod|MicroMessenger|wxwork|DingTalk|Lark", re.I)


def safe_next(request: HttpRequest, default: str) -> str:
    """``next`` from the form or query string when it stays on this host, else ``default``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _sign_in(request: HttpRequest, user) -> None:
    login(request, user, backend=MODEL_BACKEND)
    # Now that the person is known their saved language applies to this response.
    language = choose_language(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language


def signin_link(request: HttpRequest, secret: str) -> HttpResponse:
    result = consume_signin_link(secret)
    if result is None:
        return render(request, "accounts/link_invalid.html", status=410)
    user, next_url = result
    _sign_in(request, user)
    if request.GET.get("welcome"):
        messages.success(request, _welcome_message(request.tenant, user))
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("workspace:home")
    return redirect(next_url)


def _welcome_message(tenant, user) -> str:
    message = _("Welcome to SafeLoop, %(name)s! The workspace of %(enterprise)s is ready.") % {
        "name": user.get_full_name() or user.email,
        "enterprise": tenant.name,
    }
    if tenant.trial_ends_at:
        ends = date_format(timezone.localtime(tenant.trial_ends_at), "DATE_FORMAT")
        message += " " + _("Your free trial runs until %(date)s.") % {"date": ends}
    return message


def _device_salt(request: HttpRequest) -> str:
    return f"safeloop.device.{request.tenant.schema_name}"


def _remembered_employee_no(request: HttpRequest) -> str | None:
    return request.get_signed_cookie(
        DEVICE_COOKIE,
        default=None,
        salt=_device_salt(request),
        max_age=settings.SAFELOOP_DEVICE_REMEMBER_DAYS * 86400,
    )


def _remembered_person(request: HttpRequest) -> Person | None:
    employee_no = _remembered_employee_no(request)
    if not employee_no:
        return None
    return (
        Person.objects.select_related("user")
        .filter(employee_no__iexact=employee_no, user__is_active=True)
        .first()
    )


def looks_like_phone(request: HttpRequest) -> bool:
    if request.headers.get("Sec-CH-UA-Mobile") == "?1":
        return True
    return bool(PHONE_AGENT.search(request.headers.get("User-Agent", "")))


@require_GET
def sign_in(request: HttpRequest) -> HttpResponse:
    """Where a page that needs a signed-in person sends a visitor (``LOGIN_URL``).

    The links that reach people on the shop floor (the inbox, e-mails, chat robots)
    are opened on phones, by workers who have an employee number and a PIN rather
    than a password: a phone, or any device that remembers its worker, gets the
    quick login; a desktop gets the e-mail login. Each page links to the other, and
    both come back to ``next``.
    """
    next_url = safe_next(request, "")
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    if _remembered_employee_no(request) or looks_like_phone(request):
        return redirect(reverse("accounts:quick_login") + query)
    return redirect(reverse("account_login") + query)


@require_http_methods(["GET", "POST"])
def quick_login_view(request: HttpRequest) -> HttpResponse:
    """Employee number + PIN on a phone; the device then remembers who it belongs to."""
    next_url = safe_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))
    switching = request.GET.get("switch") == "1"
    remembered = None if switching else _remembered_person(request)
    form = QuickLoginForm(request.POST if request.method == "POST" else None, remembered=remembered)
    locked = False
    wait = 0
    if request.method == "POST" and form.is_valid():
        try:
            user = quick_login(
                request,
                form.who,
                form.cleaned_data["pin"],
                remembered_device=remembered is not None,
            )
        except QuickLoginError as exc:
            locked = exc.code == "locked"
            wait = exc.retry_after
            form.add_error(None, exc.message)
        else:
            _sign_in(request, user)
            remember = settings.SAFELOOP_DEVICE_REMEMBER_DAYS * 86400
            request.session.set_expiry(remember)
            response = redirect(next_url)
            response.set_signed_cookie(
                DEVICE_COOKIE,
                user.person.employee_no,
                salt=_device_salt(request),
                max_age=remember,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
            return response
    response = render(
        request,
        "accounts/quick_login.html",
        {"form": form, "remembered": remembered, "next": next_url, "locked": locked, "wait": wait},
        status=429 if wait else 200,
    )
    if wait:
        response["Retry-After"] = str(wait)
    if switching:
        response.delete_cookie(DEVICE_COOKIE, samesite="Lax")
    return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Remember the language on this device and, for a signed-in person, on their profile."""
    language = request.POST.get("language", "")
    referer = request.META.get("HTTP_REFERER") or ""
    fallback = (
        referer
        if url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
        else "/"
    )
    response = redirect(safe_next(request, fallback))
    person = getattr(request.user, "person", None) if request.user.is_authenticated else None
    if person is not None:
        try:
            set_person_language(person, language, by=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return response
    elif not is_supported_language(language):
        return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE or LANGUAGE_COOKIE_FALLBACK_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
