"""Pages of the public site: landing, the free-trial signup and "sign in to your workspace"."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import split_domain_port
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_tenants.utils import tenant_context

from safeloop.platform.forms import FindWorkspaceForm, SignupForm
from safeloop.platform.industry import list_templates
from safeloop.platform.models import Enterprise
from safeloop.platform.services import provision_enterprise, validate_signup, validate_slug
from safeloop.platform.throttle import Verdict, count_signup, count_slug_check, describe_wait

# This request is routed by the public URLconf; links into a tenant use the tenant's.
TENANT_URLS = settings.ROOT_URLCONF


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "platform/landing.html",
        {
            "templates": list_templates(),
            "trial_days": settings.SAFELOOP_TRIAL_DAYS,
            "demo_url": _demo_url(request),
        },
    )


def demo_enterprise() -> Enterprise | None:
    """The demo enterprise `safeloop run` seeds, when this installation has one."""
    from safeloop.platform.demo import DEMO_SLUG

    return Enterprise.objects.filter(slug=DEMO_SLUG).first()


@require_http_methods(["GET", "POST"])
def find_workspace(request: HttpRequest) -> HttpResponse:
    """Accounts live in each enterprise: send the visitor to their workspace's sign-in page."""
    form = FindWorkspaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enterprise = Enterprise.objects.filter(slug=form.cleaned_data["slug"]).first()
        if enterprise is not None:
            login = reverse("account_login", urlconf=TENANT_URLS)
            return redirect(tenant_url(request, enterprise, login))
        form.add_error(
            "slug", _("No workspace has this address. Check it with your administrator.")
        )
    return render(
        request,
        "platform/find_workspace.html",
        {
            "form": form,
            "base_domain": settings.SAFELOOP_BASE_DOMAIN,
            "demo_url": _demo_url(request),
        },
    )


def _demo_url(request: HttpRequest) -> str:
    demo = demo_enterprise()
    return tenant_url(request, demo, "/") if demo else ""


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SignupForm(request.POST)
        form.is_valid()  # collects the values; the rules are the service's
        data = form.signup_data(language=request.LANGUAGE_CODE)
        try:
            validate_signup(data)
            verdict = count_signup(request)
            if verdict.refused:
                return _signup_page(request, form, refused=verdict)
            enterprise = provision_enterprise(data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return redirect(_welcome_link(request, enterprise, data.admin_email))
    else:
        form = SignupForm()
    return _signup_page(request, form)


def _signup_page(request: HttpRequest, form: SignupForm, refused: Verdict | None = None):
    if refused is not None:
        form.add_error(
            None,
            _(
                "Several workspaces were just created from your network. "
                "Please try again in %(wait)s."
            )
            % {"wait": describe_wait(refused.retry_after)},
        )
    response = render(
        request,
        "platform/signup.html",
        {
            "form": form,
            "trial_days": settings.SAFELOOP_TRIAL_DAYS,
            "base_domain": settings.SAFELOOP_BASE_DOMAIN,
        },
        status=429 if refused else 200,
    )
    if refused is not None:
        response["Retry-After"] = str(refused.retry_after)
    return response


@require_GET
def check_slug(request: HttpRequest) -> JsonResponse:
    """Live availability of a sub-domain for the signup form's hint."""
    slug = (request.GET.get("slug") or "").strip().lower()
    answer = {"slug": slug, "host": f"{slug}.{settings.SAFELOOP_BASE_DOMAIN}"}
    verdict = count_slug_check(request)
    if verdict.refused:
        message = _("Too many checks. Please try again in %(wait)s.") % {
            "wait": describe_wait(verdict.retry_after)
        }
        response = JsonResponse(
            {**answer, "available": False, "code": "throttled", "message": message}, status=429
        )
        response["Retry-After"] = str(verdict.retry_after)
        return response
    try:
        validate_slug(slug)
    except ValidationError as exc:
        error = exc.error_dict["slug"][0]
        return JsonResponse(
            {**answer, "available": False, "code": error.code, "message": error.messages[0]}
        )
    return JsonResponse({**answer, "available": True, "code": "", "message": ""})


def tenant_url(request: HttpRequest, enterprise: Enterprise, path: str) -> str:
    """An absolute URL on the enterprise's host, keeping the port this request came in on."""
    _domain, port = split_domain_port(request.get_host())
    netloc = f"{enterprise.host}:{port}" if port else enterprise.host
    return f"{settings.SAFELOOP_SCHEME}://{netloc}{path}"


def _welcome_link(request: HttpRequest, enterprise: Enterprise, admin_email: str) -> str:
    # The public host cannot set a cookie for the tenant's host: hand the new
    # admin over with a one-time link that signs them in over there.
    from safeloop.tenants.accounts.services import create_signin_link

    with tenant_context(enterprise):
        admin = get_user_model().objects.get(username=admin_email.strip().lower())
        secret = create_signin_link(admin, next_url=reverse("workspace:home", urlconf=TENANT_URLS))
    path = reverse("accounts:signin_link", kwargs={"secret": secret}, urlconf=TENANT_URLS)
    return tenant_url(request, enterprise, f"{path}?{urlencode({'welcome': '1'})}")
