from allauth.account.adapter import DefaultAccountAdapter


class TenantAccountAdapter(DefaultAccountAdapter):
    """People are added by their enterprise; nobody signs themselves up on a tenant host."""

    def is_open_for_signup(self, request):
        return False
