"""URLs of the public site (the base domain): landing, free-trial signup, health."""

from django.urls import include, path

from safeloop.graphql.hq.schema import hq_graphql_view
from safeloop.platform import views, views_oversight, webapp
from safeloop.platform.billing import views as billing_views

hq_patterns = [
    path("", views_oversight.dashboard, name="dashboard"),
    path("login/", views_oversight.hq_login, name="login"),
    path("invitations/", views_oversight.new_invitation, name="new_invitation"),
    path(
        "invitations/<int:invitation_id>/withdraw/",
        views_oversight.withdraw_invitation,
        name="withdraw_invitation",
    ),
    path("sites/<int:enterprise_id>/", views_oversight.site_page, name="site"),
    path(
        "sites/<int:enterprise_id>/monthly/<int:year>-<int:month>.pdf",
        views_oversight.site_report,
        name="site_report",
    ),
]

urlpatterns = [
    path("", views.landing, name="landing"),
    path("favicon.ico", webapp.favicon, name="favicon"),
    path("manifest.webmanifest", webapp.manifest, name="webapp_manifest"),
    path("signup/", views.signup, name="signup"),
    path("signup/check-slug/", views.check_slug, name="signup_check_slug"),
    path("login/", views.find_workspace, name="find_workspace"),
    path("pricing/", billing_views.pricing, name="pricing"),
    # Stripe's one webhook endpoint, for every enterprise (safeloop/platform/billing/).
    path("stripe/webhook/", billing_views.stripe_webhook, name="stripe_webhook"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Group HQ and district authority accounts (platform.oversight).
    path("hq/", include((hq_patterns, "hq"))),
    path("hq/logout/", views_oversight.hq_logout, name="account_logout"),
    path("hq/graphql/", hq_graphql_view, name="hq_graphql"),
]

# A bug answers an error id to quote, never its details (safeloop/platform/errors.py).
handler500 = "safeloop.platform.errors.server_error"
