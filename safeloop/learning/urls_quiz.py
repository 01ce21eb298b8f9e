"""Learning URLs: quiz (see urls.py)."""

from django.urls import path

from safeloop.learning import views_bank, views_quiz

urlpatterns: list = [
    path("quiz/<int:quiz_id>/", views_quiz.quiz, name="quiz"),
    path("attempt/<int:attempt_id>/", views_quiz.attempt, name="attempt"),
    path("attempt/<int:attempt_id>/result/", views_quiz.attempt_result, name="attempt_result"),
    path("bank/", views_bank.bank, name="bank"),
    path("bank/question/new/", views_bank.question_edit, name="bank_question_add"),
    path("bank/question/<int:question_id>/", views_bank.question_edit, name="bank_question_edit"),
    path(
        "bank/question/<int:question_id>/retire/",
        views_bank.question_retire,
        name="bank_question_retire",
    ),
    path("bank/category/new/", views_bank.category_add, name="bank_category_add"),
    path("bank/import/", views_bank.bank_import, name="bank_import"),
    path("bank/export.xlsx", views_bank.bank_export, name="bank_export"),
    path("bank/template.xlsx", views_bank.bank_template, name="bank_template"),
    path("quizzes/", views_bank.quizzes, name="quizzes"),
    path("quizzes/<int:course_id>/", views_bank.quiz_edit, name="quiz_edit"),
    path(
        "quizzes/<int:course_id>/lesson/<int:lesson_id>/",
        views_bank.quiz_edit,
        name="quiz_edit_lesson",
    ),
]
