from django.urls import path

from safeloop.tenants.reports import views, views_export

app_name = "reports"
urlpatterns = [
    path("monthly/", views.archive, name="archive"),
    path("monthly/generate/", views.generate, name="generate"),
    path("monthly/recipients/", views.recipients, name="recipients"),
    path("monthly/<int:pk>.<str:kind>", views.download, name="download"),
    path("export/", views_export.export_page, name="export"),
    path("export/start/", views_export.start_export, name="export_start"),
    path("export/<int:pk>/status/", views_export.export_status, name="export_status"),
    path("export/<int:pk>.zip", views_export.download_export, name="export_download"),
]
