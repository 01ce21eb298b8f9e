from django.urls import path

from safeloop.tenants.inspections import views, views_files, views_stats

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
]
