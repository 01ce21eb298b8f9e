"""The supplier's own pages, opened with the signed link a manager hands out (no account)."""

from django.urls import path

from safeloop.contractors import views_suppliers

urlpatterns = [
    path("<str:token>/", views_suppliers.supplier_report, name="supplier_report"),
    path("<str:token>/files/<int:pk>", views_suppliers.supplier_file, name="supplier_file"),
    path(
        "<str:token>/reports/<int:pk>/",
        views_suppliers.supplier_past_report,
        name="supplier_past_report",
    ),
    path("<str:token>/hazards/<int:pk>/", views_suppliers.supplier_hazard, name="supplier_hazard"),
]
