from django.urls import path

from safeloop.tenants.inspections import (
    views,
    views_files,
    views_setup,
    views_setup_plans,
    views_stats,
)

app_name = "inspections"
urlpatterns = [
    path("", views.today, name="today"),
    path("tasks/<int:pk>/", views.task, name="task"),
    path("tasks/<int:pk>/points/<int:point_pk>/skip/", views.skip, name="skip"),
    path("done/<int:pk>/", views.result, name="result"),
    path("completion/", views_stats.completion, name="completion"),
    path("answers/<int:pk>/hazard/", views.answer_hazard, name="answer_hazard"),
    path("answers/<int:pk>/photo/", views_files.answer_photo, name="answer_photo"),
    path("items/<int:pk>/guidance.jpg", views_files.guidance_image, name="guidance_image"),
    # Set-up (inspections.manage): checklists and where they apply, plans, routes.
    path("setup/", views_setup.checklists, name="setup"),
    path("setup/checklists/new/", views_setup.checklist_create, name="setup_checklist_create"),
    path("setup/checklists/<int:pk>/", views_setup.checklist_edit, name="setup_checklist"),
    path(
        "setup/checklists/<int:pk>/active/",
        views_setup.checklist_active,
        name="setup_checklist_active",
    ),
    path(
        "setup/checklists/<int:pk>/bindings/",
        views_setup.binding_add,
        name="setup_binding_add",
    ),
    path(
        "setup/checklists/<int:pk>/bindings/<int:binding_pk>/remove/",
        views_setup.binding_remove,
        name="setup_binding_remove",
    ),
    path("setup/plans/", views_setup_plans.plans, name="setup_plans"),
    path("setup/plans/new/", views_setup_plans.plan_create, name="setup_plan_create"),
    path("setup/plans/<int:pk>/", views_setup_plans.plan_edit, name="setup_plan"),
    path("setup/plans/<int:pk>/active/", views_setup_plans.plan_active, name="setup_plan_active"),
    path("setup/routes/", views_setup_plans.routes, name="setup_routes"),
    path("setup/routes/new/", views_setup_plans.route_create, name="setup_route_create"),
    path("setup/routes/<int:pk>/", views_setup_plans.route_edit, name="setup_route"),
    path(
        "setup/routes/<int:pk>/active/",
        views_setup_plans.route_active,
        name="setup_route_active",
    ),
]
