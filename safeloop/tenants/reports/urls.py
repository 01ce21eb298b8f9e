from django.urls import path

from safeloop.tenants.reports import views

app_name = "reports"
urlpatterns = [
    path("monthly/", views.archive, name="archive"),
    path("monthly/generate/", views.generate, name="generate"),
    path("monthly/recipients/", views.recipients, name="recipients"),
    path("monthly/<int:pk>.<str:kind>", views.download, name="download"),
]
