"""URLs of the public site (the base domain): landing, free-trial signup, health."""

from django.urls import include, path

from safeloop.platform import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("i18n/", include("django.conf.urls.i18n")),
]
