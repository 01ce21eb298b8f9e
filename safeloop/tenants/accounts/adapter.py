from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from safeloop.platform.middleware import choose_language


class TenantAccountAdapter(DefaultAccountAdapter):
    """People are added by their enterprise; nobody signs themselves up on a tenant host."""

    def is_open_for_signup(self, request):
        return False

    def login(self, request, user):
        super().login(request, user)
        # The sign-in form was answered in the browser's language; the person may have
        # chosen another. The greeting (rendered now, shown on the next page) and that
        # page speak the person's language, not the sign-in form's.
        language = choose_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
