"""URLs of the public site (the base domain): landing, free-trial signup, health."""

from django.urls import include, path

from safeloop.platform import views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("signup/", views.signup, name="signup"),
    path("signup/check-slug/", views.check_slug, name="signup_check_slug"),
    path("i18n/", include("django.conf.urls.i18n")),
]
