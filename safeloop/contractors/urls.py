"""Contractor pages for the enterprise's managers, under /k/ (outsiders' pages: portal/)."""

from django.urls import path

from safeloop.contractors import (
    views,
    views_crews,
    views_gate,
    views_induction,
    views_passes,
    views_performance,
    views_projects,
    views_suppliers,
    views_tokens,
    views_xlsx,
)

app_name = "contractors"

urlpatterns = [
    path("", views.companies, name="companies"),
    path("gates/", views_gate.gates, name="gates"),
    path("induction/", views_induction.induction, name="induction"),
    path("performance/", views_performance.performance_page, name="performance"),
    path("gates/<int:pk>/sign.pdf", views_gate.gate_sign, name="gate_sign"),
    path("gate/check/", views_passes.gate_check, name="gate_check"),
    path("gate/onsite/", views_passes.onsite, name="onsite"),
    path("gate/photos/<int:pk>", views_passes.gate_photo, name="gate_photo"),
    path("passes/", views_passes.passes, name="passes"),
    path("passes/<int:pk>/revoke/", views_passes.pass_revoke, name="pass_revoke"),
    path("passes/<int:pk>/reinstate/", views_passes.pass_reinstate, name="pass_reinstate"),
    path("workers/<int:pk>/blacklist/", views_passes.worker_blacklist, name="worker_blacklist"),
    path(
        "workers/<int:pk>/unblacklist/", views_passes.worker_unblacklist, name="worker_unblacklist"
    ),
    path("new/", views.company_edit, name="company_new"),
    path("<int:pk>/", views.company_detail, name="company"),
    path("<int:pk>/edit/", views.company_edit, name="company_edit"),
    path("<int:pk>/qualifications/new/", views.qualification_new, name="qualification_new"),
    path("<int:pk>/workers/new/", views.worker_new, name="worker_new"),
    path("<int:pk>/workers/import/", views_xlsx.workers_import, name="workers_import"),
    path("<int:pk>/workers/export/", views_xlsx.workers_export, name="workers_export"),
    path("crews/<int:pk>/lead/", views_crews.crew_lead, name="crew_lead"),
    path("workers/template.xlsx", views_xlsx.workers_template, name="workers_template"),
    path("<int:pk>/projects/new/", views_projects.project_new, name="project_new"),
    path("projects/<int:pk>/edit/", views_projects.project_edit, name="project_edit"),
    path("<int:pk>/crews/new/", views_projects.crew_new, name="crew_new"),
    path("crews/<int:pk>/edit/", views_projects.crew_edit, name="crew_edit"),
    path("workers/<int:pk>/crew/", views_projects.worker_crew, name="worker_crew"),
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
    path("suppliers/<int:pk>/send-link/", views_suppliers.send_link, name="supplier_send_link"),
    path("suppliers/reports/<int:pk>/", views_suppliers.report, name="report"),
    path("suppliers/files/<int:pk>", views_suppliers.report_file, name="report_file"),
    path(
        "suppliers/answers/<int:pk>/hazard/",
        views_suppliers.answer_hazard,
        name="answer_hazard",
    ),
    # Outsiders' API tokens (views_tokens.py).
    path(
        "suppliers/<int:pk>/tokens/",
        views_tokens.supplier_token_issue,
        name="supplier_token_issue",
    ),
    path(
        "suppliers/<int:pk>/tokens/<int:token_pk>/revoke/",
        views_tokens.supplier_token_revoke,
        name="supplier_token_revoke",
    ),
    path(
        "crews/<int:pk>/lead/tokens/",
        views_tokens.crew_lead_token_issue,
        name="crew_lead_token_issue",
    ),
    path(
        "crews/<int:pk>/lead/tokens/<int:token_pk>/revoke/",
        views_tokens.crew_lead_token_revoke,
        name="crew_lead_token_revoke",
    ),
]
