"""Pages for outsiders (contractor workers, suppliers): guarded without an account or a Person.

A gate page here recognises a contractor worker by a pass code in the query
string; the real portal will use a site pass or the gate registration's session.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from safeloop.web.guards import outsider_guarded

pytestmark = pytest.mark.django_db

PASSES = {"P-7": "Wu Gang, Hengda Scaffolding"}


def _worker_on_pass(request):
    return PASSES.get(request.GET.get("pass", ""))


@outsider_guarded(_worker_on_pass)
def gate_page(request):
    if request.GET.get("zone") == "tank-farm":
        raise PermissionDenied("not inducted for this zone")
    return HttpResponse(f"Welcome, {request.outsider}")


def _visit(acme, query: str):
    request = RequestFactory(HTTP_HOST="acme.localhost").get(f"/gate/?{query}")
    request.tenant = acme
    request.user = AnonymousUser()
    request.session = SessionStore()
    return gate_page(request)


def test_outsider_with_a_pass_opens_the_page_without_signing_in(in_acme):
    response = _visit(in_acme, "pass=P-7")

    assert response.status_code == 200
    assert response.content.decode() == "Welcome, Wu Gang, Hengda Scaffolding"


def test_unknown_visitor_gets_the_outsiders_refusal_with_no_way_into_the_workspace(in_acme):
    response = _visit(in_acme, "pass=P-999")

    html = response.content.decode()
    assert response.status_code == 403
    assert 'data-testid="forbidden"' in html
    assert "此页面不对您开放" in html  # Acme's default language is Chinese
    assert "返回首页" not in html  # no "Back to home": the workspace is for employees
    assert "安全经理" not in html  # an outsider has no safety manager to ask


def test_outsider_refused_by_a_rule_gets_the_same_refusal(in_acme):
    response = _visit(in_acme, "pass=P-7&zone=tank-farm")

    assert response.status_code == 403
    assert "此页面不对您开放" in response.content.decode()
