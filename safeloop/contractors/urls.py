"""Contractor pages for the enterprise's managers, under /k/ (outsiders' pages: portal/)."""

from django.urls import path

from safeloop.contractors import (
    views,
    views_crews,
    views_gate,
    views_induction,
    views_suppliers,
    views_xlsx,
)

app_name = "contractors"

urlpatterns = [
    path("", views.companies, name="companies"),
    path("gates/", views_gate.gates, name="gates"),
    path("induction/", views_induction.induction, name="induction"),
    path("gates/<int:pk>/sign.pdf", views_gate.gate_sign, name="gate_sign"),
    path("new/", views.company_edit, name="company_new"),
    path("<int:pk>/", views.company_detail, name="company"),
    path("<int:pk>/edit/", views.company_edit, name="company_edit"),
    path("<int:pk>/qualifications/new/", views.qualification_new, name="qualification_new"),
    path("<int:pk>/workers/new/", views.worker_new, name="worker_new"),
    path("<int:pk>/workers/import/", views_xlsx.workers_import, name="workers_import"),
    path("<int:pk>/workers/export/", views_xlsx.workers_export, name="workers_export"),
    path("crews/<int:pk>/lead/", views_crews.crew_lead, name="crew_lead"),
    path("workers/template.xlsx", views_xlsx.workers_template, name="workers_template"),
    path("workers/<int:pk>/", views.worker_detail, name="worker"),
    path("workers/<int:pk>/reveal/", views.worker_reveal, name="worker_reveal"),
    path("workers/<int:pk>/certificates/new/", views.certificate_new, name="certificate_new"),
    path("files/workers/<int:pk>/photo", views.worker_photo, name="worker_photo"),
    path("files/certificates/<int:pk>/card", views.certificate_card, name="certificate_card"),
    path("files/qualifications/<int:pk>/scan", views.qualification_scan, name="qualification_scan"),
    path("suppliers/", views_suppliers.suppliers, name="suppliers"),
    path("suppliers/new/", views_suppliers.supplier_new, name="supplier_new"),
    path("suppliers/form/", views_suppliers.form_edit, name="supplier_form"),
    path("suppliers/<int:pk>/", views_suppliers.supplier_detail, name="supplier"),
    path("suppliers/reports/<int:pk>/", views_suppliers.report, name="report"),
    path("suppliers/files/<int:pk>", views_suppliers.report_file, name="report_file"),
    path(
        "suppliers/answers/<int:pk>/hazard/",
        views_suppliers.answer_hazard,
        name="answer_hazard",
    ),
]
