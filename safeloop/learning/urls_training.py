"""Learning URLs: training — my courses, certificates, course packs, the archive (see urls.py).

The public certificate check, /v/<token>/, is on the tenant host outside /l/
(``safeloop/platform/urls_tenant.py``): it needs no sign-in.
"""

from django.urls import path

from safeloop.learning import views_training as views

urlpatterns = [
    path("", views.my_courses, name="my_courses"),
    path("certificates/", views.certificates, name="certificates"),
    path("certificates/<int:pk>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("packs/", views.packs, name="packs"),
    path("packs/new/", views.pack_edit, name="pack_new"),
    path("packs/<int:pk>/", views.pack_edit, name="pack_edit"),
    path("archive/", views.archive, name="archive"),
    path("archive/export.xlsx", views.archive_export, name="archive_export"),
    path("archive/<int:person_id>/", views.person_archive, name="person_archive"),
    path("archive/<int:person_id>.pdf", views.person_archive_pdf, name="person_archive_pdf"),
]
