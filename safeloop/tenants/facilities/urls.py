from django.urls import path

from safeloop.tenants.facilities import views, views_home, views_point, views_qr

app_name = "workspace"
urlpatterns = [
    path("", views_home.home, name="home"),
    path("scan/", views_home.scan, name="scan"),
    path("report/", views_home.report, name="report"),
    path("areas/", views.areas, name="areas"),
    path("areas/new/", views.area_create, name="area_create"),
    path("areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
    path("equipment/", views.equipment, name="equipment"),
    path("equipment/new/", views.equipment_create, name="equipment_create"),
    path("equipment/<int:pk>/edit/", views.equipment_edit, name="equipment_edit"),
    path("equipment/import/", views.equipment_import, name="equipment_import"),
    path("people/", views.people, name="people"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/import/", views.people_import, name="people_import"),
    path("import/<str:kind>/sample.csv", views.import_sample, name="import_sample"),
    # QR labels: printable label sheets, a large sign, replacing a label.
    path("qr/", views_qr.labels, name="qr_labels"),
    path("qr/labels.pdf", views_qr.labels_pdf, name="qr_labels_pdf"),
    path("qr/<str:kind>/<int:pk>/sign.pdf", views_qr.sign, name="qr_sign"),
    path("qr/<str:kind>/<int:pk>/revoke/", views_qr.revoke, name="qr_revoke"),
]

# The QR point page lives at /q/<token>/ (see safeloop/platform/urls_tenant.py).
qr_urlpatterns = [
    path("<str:token>/", views_point.point, name="point"),
]
