"""The crew leads' portal (/p/crew/): signing in on the phone (a one-time code by SMS, or
a password a manager set), then the lead's crews -- each worker's pass and exactly what
they still lack -- and the hazards assigned to the lead, fixed on the hazard pages.
Thin: the rules are in safeloop.contractors.services.crew_portal."""

from __future__ import annotations

from django import forms
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from safeloop.contractors.services import crew_portal
from safeloop.platform.throttle import client_network, describe_wait, hit, peek
from safeloop.portal.views import _private
from safeloop.tenants.accounts.backends import MODEL_BACKEND
from safeloop.tenants.hazards.models import State
from safeloop.web.forms import ShellForm, apply_service_error
from safeloop.web.guards import forbidden

# The phone a code was last sent to from this browser (the code step asks for the code only).
PHONE_KEY = "portal.crew_phone"
# A code per phone at most once a minute and five an hour; twenty an hour from one network.
CODE_RATES_PER_PHONE = ("1/m", "5/h")
CODE_RATES_PER_NETWORK = ("20/h",)
# Wrong passwords per phone before the page makes the lead wait.
PASSWORD_FAILURE_RATES = ("5/5m",)

_PHONE_WIDGET = forms.TextInput(
    {"type": "tel", "autocomplete": "tel", "inputmode": "tel", "data-testid": "crew-phone"}
)


class PhoneForm(ShellForm):
    phone = forms.CharField(label=gettext_lazy("mobile phone"), max_length=30, widget=_PHONE_WIDGET)


class CodeForm(ShellForm):
    code = forms.CharField(
        label=gettext_lazy("code from the SMS"),
        max_length=12,
        widget=forms.TextInput(
            {
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "data-testid": "crew-code",
            }
        ),
    )


class PasswordForm(PhoneForm):
    password = forms.CharField(
        label=gettext_lazy("password"),
        widget=forms.PasswordInput(
            {"autocomplete": "current-password", "data-testid": "crew-password"}
        ),
    )


def _mask(phone: str) -> str:
    digits = crew_portal.normalize_phone(phone)
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else phone


def _wait_error(form: forms.Form, seconds: int, message: str) -> None:
    form.add_error(None, message % {"wait": describe_wait(seconds)})


def _sign_in(request: HttpRequest, person) -> HttpResponse:
    login(request, person.user, backend=MODEL_BACKEND)
    return redirect("portal:crew")


@never_cache
@require_http_methods(["GET", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    if crew_portal.lead_of_user(request.user) is not None:
        return redirect("portal:crew")
    mode = request.GET.get("mode") or request.POST.get("mode") or "code"
    pending = request.session.get(PHONE_KEY, "")
    phone_form = PhoneForm(initial={"phone": pending})
    code_form = CodeForm()
    password_form = PasswordForm()
    status = 200
    action = request.POST.get("action", "") if request.method == "POST" else ""
    network = client_network(request)

    if action == "send_code":
        mode = "code"
        phone_form = PhoneForm(request.POST)
        if phone_form.is_valid():
            phone = crew_portal.normalize_phone(phone_form.cleaned_data["phone"])
            verdicts = [
                hit(request, group="crew_login.code", key=phone, rates=CODE_RATES_PER_PHONE),
                hit(
                    request,
                    group="crew_login.code_network",
                    key=network,
                    rates=CODE_RATES_PER_NETWORK,
                ),
            ]
            refused = [v for v in verdicts if v.refused]
            if refused:
                wait = max(v.retry_after for v in refused)
                _wait_error(
                    phone_form, wait, _("A code was sent a moment ago. Ask again in %(wait)s.")
                )
                status = 429
            else:
                crew_portal.send_sign_in_code(phone)
                request.session[PHONE_KEY] = phone
                return redirect(f"{reverse('portal:crew_login')}?mode=code")
        else:
            status = 400
    elif action == "code":
        mode = "code"
        code_form = CodeForm(request.POST)
        if not pending:
            return redirect(f"{reverse('portal:crew_login')}?mode=code")
        if code_form.is_valid():
            try:
                person = crew_portal.sign_in_with_code(pending, code_form.cleaned_data["code"])
            except ValidationError as exc:
                apply_service_error(code_form, exc, "code")
                status = 400
            else:
                request.session.pop(PHONE_KEY, None)
                return _sign_in(request, person)
        else:
            status = 400
    elif action == "other_phone":
        request.session.pop(PHONE_KEY, None)
        return redirect(f"{reverse('portal:crew_login')}?mode=code")
    elif action == "password":
        mode = "password"
        password_form = PasswordForm(request.POST)
        if password_form.is_valid():
            phone = crew_portal.normalize_phone(password_form.cleaned_data["phone"])
            group = "crew_login.password_failed"
            verdict = peek(request, group=group, key=phone, rates=PASSWORD_FAILURE_RATES)
            if verdict.refused:
                _wait_error(
                    password_form,
                    verdict.retry_after,
                    _("Too many wrong passwords. Try again in %(wait)s, or sign in by SMS code."),
                )
                status = 429
            else:
                try:
                    person = crew_portal.sign_in_with_password(
                        phone, password_form.cleaned_data["password"]
                    )
                except ValidationError as exc:
                    hit(request, group=group, key=phone, rates=PASSWORD_FAILURE_RATES)
                    apply_service_error(password_form, exc, "password")
                    status = 400
                else:
                    return _sign_in(request, person)
        else:
            status = 400

    response = render(
        request,
        "portal/crew_login.html",
        {
            "mode": "password" if mode == "password" else "code",
            "pending": _mask(pending) if pending else "",
            "phone_form": phone_form,
            "code_form": code_form,
            "password_form": password_form,
            "valid_minutes": crew_portal.CODE_VALID_MINUTES,
        },
        status=status,
    )
    return _private(response)


@never_cache
def crew(request: HttpRequest) -> HttpResponse:
    """The lead's crews, each worker's pass and lacks, and the hazards assigned to them."""
    lead = crew_portal.lead_of_user(request.user)
    if lead is None:
        if not request.user.is_authenticated:
            return redirect("portal:crew_login")
        return forbidden(request, outsider=True)
    crews = crew_portal.crews_of(lead)
    hazards = list(crew_portal.open_hazards_of(lead))
    return _private(
        render(
            request,
            "portal/crew_home.html",
            {
                "lead": lead,
                "crews": crews,
                "hazards": hazards,
                "now": timezone.now(),
                "gates": crew_portal.gate_link_sites(),
                "members_total": sum(len(c.members) for c in crews),
                "members_blocked": sum(1 for c in crews for m in c.members if not m.ok),
                # Awaiting acceptance is out of the lead's hands: not "to fix".
                "to_fix": sum(1 for h in hazards if h.state != State.AWAITING_ACCEPTANCE),
            },
        )
    )
