from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from safeloop.tenants.accounts.services import consume_signin_link


def signin_link(request, secret: str):
    result = consume_signin_link(secret)
    if result is None:
        return render(request, "accounts/link_invalid.html", status=410)
    user, next_url = result
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return redirect(next_url)
