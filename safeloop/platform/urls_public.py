"""URLs of the public site (the base domain): landing, free-trial signup, health."""

from django.urls import include, path

from safeloop.platform import views, webapp

urlpatterns = [
    path("", views.landing, name="landing"),
    path("favicon.ico", webapp.favicon, name="favicon"),
    path("manifest.webmanifest", webapp.manifest, name="webapp_manifest"),
    path("signup/", views.signup, name="signup"),
    path("signup/check-slug/", views.check_slug, name="signup_check_slug"),
    path("login/", views.find_workspace, name="find_workspace"),
    path("i18n/", include("django.conf.urls.i18n")),
]

# A bug answers an error id to quote, never its details (safeloop/platform/errors.py).
handler500 = "safeloop.platform.errors.server_error"
