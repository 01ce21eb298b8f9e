"""The floor of tests/perf/bench_hot_paths.py: a trivial Django view, nothing else.

One view answering a small ``HttpResponse``: no database, no cache, no session,
no middleware, no templates. Served by the same gunicorn command as SafeLoop
(tests/support/server.py), it is what Django and gunicorn alone cost on this
machine, so a SafeLoop page's requests/s can be read as a share of it.

This module is at once the settings module and the WSGI application
(``tests.perf.floor:application``).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path

SECRET_KEY = "floor-benchmark-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = __name__
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True


def hello(request):
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("", hello)]

# Last: get_wsgi_application() imports this module as the settings, so everything
# above must already be defined.
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
