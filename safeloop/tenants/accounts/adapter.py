from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from safeloop.platform.middleware import choose_language
from safeloop.platform.throttle import client_ip, describe_wait
from safeloop.tenants.accounts.throttles import email_login_verdict, record_email_login_failure


class TenantAccountAdapter(DefaultAccountAdapter):
    """People are added by their enterprise; nobody signs themselves up on a tenant host."""

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request):
        # allauth's own rate limits (password reset, …) count the same client as ours.
        return client_ip(request)

    def pre_authenticate(self, request, **credentials):
        # Replaces allauth's per-address count of failures (ACCOUNT_RATE_LIMITS
        # "login_failed" is off): the rule is in safeloop.tenants.accounts.throttles.
        verdict = email_login_verdict(request, _login_of(credentials))
        if verdict.refused:
            raise ValidationError(
                _("Too many failed sign-ins. Please try again in %(wait)s.")
                % {"wait": describe_wait(verdict.retry_after)},
                code="too_many_login_attempts",
            )

    def authentication_failed(self, request, **credentials):
        record_email_login_failure(request, _login_of(credentials))

    def login(self, request, user):
        super().login(request, user)
        # The sign-in form was answered in the browser's language; the person may have
        # chosen another. The greeting (rendered now, shown on the next page) and that
        # page speak the person's language, not the sign-in form's.
        language = choose_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language


def _login_of(credentials: dict) -> str:
    return credentials.get("email") or credentials.get("username") or ""
