"""Learning URLs: reading courses and lessons, progress, lesson media (see urls.py)."""

from django.urls import path

from safeloop.learning import views_reading as views

urlpatterns: list = [
    path("c/<int:course_id>/", views.course, name="course"),
    path("c/<int:course_id>/<int:lesson_id>/", views.lesson, name="lesson"),
    path(
        "c/<int:course_id>/<int:lesson_id>/progress/",
        views.lesson_progress,
        name="lesson_progress",
    ),
    path("media/doc/<int:document_id>/", views.lesson_document, name="lesson_document"),
    path("media/img/<int:rendition_id>/", views.lesson_image, name="lesson_image"),
]
