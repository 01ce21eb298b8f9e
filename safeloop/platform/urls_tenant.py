"""URLs of an enterprise's host (<slug>.<base domain>)."""

from django.urls import include, path

from safeloop.tenants.facilities import views as facility_views
from safeloop.tenants.hazards.urls import qr_urlpatterns

urlpatterns = [
    path("", facility_views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("auth/", include("safeloop.tenants.accounts.urls")),
    path("w/", include("safeloop.tenants.facilities.urls")),
    path("graphql/", include("safeloop.graphql.urls")),
    path("h/", include("safeloop.tenants.hazards.urls")),
    path("i/", include("safeloop.tenants.inspections.urls")),
    path("q/", include((qr_urlpatterns, "qr"))),
    path("r/", include("safeloop.tenants.risks.urls")),
    path("inbox/", include("safeloop.tenants.alerts.urls")),
]
