"""The learning pages under /l/. Each part of the app keeps its own URL module."""

from django.urls import include, path

app_name = "learning"

urlpatterns = [
    # Course and lesson reading, progress (safeloop/learning/views_reading.py).
    path("", include("safeloop.learning.urls_reading")),
    # Quizzes and attempts, the question bank (views_quiz.py, views_bank.py).
    path("", include("safeloop.learning.urls_quiz")),
    # My courses, course packs, certificates, the training archive (views_training.py).
    path("", include("safeloop.learning.urls_training")),
]
