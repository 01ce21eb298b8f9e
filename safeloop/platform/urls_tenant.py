"""URLs of an enterprise's host (<slug>.<base domain>)."""

from django.conf import settings
from django.urls import include, path
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from safeloop.learning import views_cms
from safeloop.learning.cms import cms_gate
from safeloop.learning.views_training import certificate_verify
from safeloop.platform import views_oversight, webapp
from safeloop.tenants.facilities import views_home
from safeloop.tenants.facilities.urls import qr_urlpatterns

urlpatterns = [
    path("", views_home.home, name="home"),
    path("favicon.ico", webapp.favicon, name="favicon"),
    path("manifest.webmanifest", webapp.manifest, name="webapp_manifest"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("auth/", include("safeloop.tenants.accounts.urls")),
    path("w/", include("safeloop.tenants.facilities.urls")),
    path("graphql/", include("safeloop.graphql.urls")),
    path("h/", include("safeloop.tenants.hazards.urls")),
    path("i/", include("safeloop.tenants.inspections.urls")),
    path("q/", include((qr_urlpatterns, "qr"))),
    path("r/", include("safeloop.tenants.risks.urls")),
    path("reports/", include("safeloop.tenants.reports.urls")),
    # Sharing the KPI aggregates with a group HQ or a district authority.
    path("sharing/", views_oversight.sharing, name="sharing"),
    # Plan, usage, subscribing and invoicing data (safeloop/platform/billing/).
    path("billing/", include("safeloop.platform.billing.urls")),
    path("inbox/", include("safeloop.tenants.alerts.urls")),
    path("iot/", include("safeloop.iot_bridge.urls")),
    path("l/", include("safeloop.learning.urls")),
    path("k/", include("safeloop.contractors.urls")),
    # Contractors' workers at the gate, without an account (safeloop/portal/).
    path("p/", include("safeloop.portal.urls")),
    # A supplier's monthly self-inspection, through the signed link it was sent.
    path("s/", include("safeloop.contractors.urls_supplier")),
    # The Wagtail admin (课程编辑), for people who may manage learning only.
    path("cms/", include(decorate_urlpatterns(wagtailadmin_urls.urlpatterns, cms_gate))),
    # Lesson files: documents and videos by their Wagtail URL, images by their storage
    # URL; signed-in people of this enterprise only (views_cms.py).
    path(
        "documents/<int:document_id>/<str:document_filename>",
        views_cms.document,
        name="wagtaildocs_serve",
    ),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", views_cms.image_file, name="cms_image"),
    # The QR code on a training certificate opens this, signed in or not.
    path("v/<str:token>/", certificate_verify, name="certificate_verify"),
]

# A bug answers an error id to quote, never its details (safeloop/platform/errors.py).
handler500 = "safeloop.platform.errors.server_error"
