from django.urls import path

from safeloop.tenants.hazards import (
    views_board,
    views_config,
    views_detail,
    views_files,
)

app_name = "hazards"
urlpatterns = [
    path("", views_board.board, name="board"),
    path("export.<str:fmt>", views_board.export, name="export"),
    path("<int:pk>/", views_detail.detail, name="detail"),
    path("<int:pk>/major-report.pdf", views_files.major_report, name="major_report"),
    path("<int:pk>/clause/", views_detail.decide_clause, name="clause"),
    path("<int:pk>/<str:action>/", views_detail.act, name="act"),
    path("v/<str:token>/", views_detail.verify, name="verify"),
    path("photo/<int:pk>/", views_files.photo, name="photo"),
    path("signature/<int:pk>/", views_files.signature, name="signature"),
    path(
        "acceptance-signature/<int:pk>/",
        views_files.acceptance_signature,
        name="acceptance_signature",
    ),
    path("settings/", views_config.config, name="config"),
    path("settings/grades/<str:grade>/", views_config.grade_edit, name="grade_edit"),
    path("settings/rules/add/", views_config.rule_add, name="rule_add"),
    path("settings/rules/<int:pk>/", views_config.rule_edit, name="rule_edit"),
    path("settings/reporting/", views_config.settings_edit, name="settings_edit"),
]
