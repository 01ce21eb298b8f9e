"""A bug on a page answers an error id to quote; its details go to the log only."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client, override_settings
from django.urls import get_resolver, path

from safeloop.platform.errors import server_error


def _boom(request):
    raise RuntimeError("secret detail: row 42 token abc")


urlpatterns = [path("boom/", _boom)]
handler500 = "safeloop.platform.errors.server_error"


@pytest.mark.parametrize(
    "urlconf", ["safeloop.platform.urls_tenant", "safeloop.platform.urls_public"]
)
def test_both_sites_answer_a_bug_with_our_error_page(urlconf):
    assert get_resolver(urlconf).resolve_error_handler(500) is server_error


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, PUBLIC_SCHEMA_URLCONF=__name__)
@pytest.mark.parametrize(("language", "words"), [("zh-hans", "错误编号"), ("en", "Quote error id")])
def test_a_bug_answers_an_error_id_and_logs_the_details(caplog, language, words):
    client = Client(raise_request_exception=False, headers={"accept-language": language})

    with caplog.at_level(logging.ERROR, logger="safeloop.errors"):
        response = client.get("/boom/", HTTP_HOST="localhost")

    page = response.content.decode()
    assert response.status_code == 500
    assert words in page and "secret detail" not in page
    (error_id,) = re.findall(r"\b[A-Z2-9]{6}\b", page.replace("SafeLoop", ""))
    (record,) = [r for r in caplog.records if r.name == "safeloop.errors"]
    assert error_id in record.getMessage()
    assert "secret detail" in str(record.exc_info[1])
