"""The question bank (题库) and quiz set-up pages (learning.manage). Thin: the
forms parse; ``bank_services`` and ``bank_xlsx`` check, write and audit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from safeloop.learning import bank_services, bank_xlsx
from safeloop.learning.forms_bank import CategoryForm, ImportForm, QuestionForm, QuizForm
from safeloop.learning.models import (
    Choice,
    CoursePage,
    LessonPage,
    Question,
    QuestionCategory,
    QuestionKind,
    Quiz,
)
from safeloop.learning.permissions import LearningPerm
from safeloop.web.forms import submit_form
from safeloop.web.guards import guarded

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PER_PAGE = 50


def _filtered(request: HttpRequest):
    questions = Question.objects.select_related("category").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("order", "id"))
    )
    filters = {
        "category": request.GET.get("category", ""),
        "kind": request.GET.get("kind", ""),
        "status": request.GET.get("status", "active"),
        "q": request.GET.get("q", "").strip(),
    }
    if filters["category"].isdigit():
        questions = questions.filter(category_id=filters["category"])
    if filters["kind"] in QuestionKind.values:
        questions = questions.filter(kind=filters["kind"])
    if filters["status"] == "active":
        questions = questions.filter(active=True)
    elif filters["status"] == "retired":
        questions = questions.filter(active=False)
    if filters["q"]:
        questions = questions.filter(
            Q(text__icontains=filters["q"]) | Q(explanation__icontains=filters["q"])
        )
    return questions.order_by("category__code", "id"), filters


def _bank_page(request: HttpRequest, status: int = 200, **context) -> HttpResponse:
    questions, filters = _filtered(request)
    page = Paginator(questions, PER_PAGE).get_page(request.GET.get("page"))
    categories = QuestionCategory.objects.annotate(
        active_count=Count("questions", filter=Q(questions__active=True))
    )
    return render(
        request,
        "learning/bank/bank.html",
        {
            "page": page,
            "filters": filters,
            "categories": categories,
            "kinds": QuestionKind.choices,
            "category_form": context.pop("category_form", None) or CategoryForm(),
            "import_form": context.pop("import_form", None) or ImportForm(),
            **context,
        },
        status=status,
    )


@guarded(LearningPerm.LEARNING_MANAGE)
def bank(request: HttpRequest) -> HttpResponse:
    """Categories and questions, filtered; add, edit, retire; XLSX in and out."""
    return _bank_page(request)


@guarded(LearningPerm.LEARNING_MANAGE)
@require_POST
def category_add(request: HttpRequest) -> HttpResponse:
    form = CategoryForm(request.POST)

    def save(data: dict) -> None:
        bank_services.create_category(by=request.user, **data)

    if submit_form(form, save, default_field="code"):
        messages.success(request, _("Category added."))
        return redirect("learning:bank")
    return _bank_page(request, category_form=form, show_category_form=True)


@guarded(LearningPerm.LEARNING_MANAGE)
def question_edit(request: HttpRequest, question_id: int | None = None) -> HttpResponse:
    question = get_object_or_404(Question, pk=question_id) if question_id else None
    if not QuestionCategory.objects.exists():
        messages.error(request, _("Add a question category first."))
        return redirect("learning:bank")
    form = QuestionForm(request.POST or None, question=question)

    def save(data: dict) -> None:
        values = {
            "category": data["category"],
            "kind": data["kind"],
            "text": data["text"],
            "explanation": data["explanation"],
            "choices": form.choices(),
        }
        if question is None:
            bank_services.create_question(by=request.user, **values)
        else:
            bank_services.update_question(
                question, by=request.user, picture=question.picture, **values
            )

    if request.method == "POST" and submit_form(form, save, default_field="text"):
        messages.success(request, _("Question saved."))
        return redirect(f"{reverse('learning:bank')}?category={form.cleaned_data['category'].pk}")
    return render(request, "learning/bank/question_form.html", {"form": form, "question": question})


@guarded(LearningPerm.LEARNING_MANAGE)
@require_POST
def question_retire(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(Question, pk=question_id)
    restore = request.POST.get("restore") == "1"
    bank_services.retire_question(question, by=request.user, active=restore)
    messages.success(
        request, _("Question brought back.") if restore else _("Question retired: no longer drawn.")
    )
    return redirect(request.POST.get("next") or reverse("learning:bank"))


@guarded(LearningPerm.LEARNING_MANAGE)
@require_POST
def bank_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _bank_page(request, import_form=form, status=400)
    try:
        result = bank_xlsx.import_questions(form.cleaned_data["file"], by=request.user)
    except ValidationError as exc:
        return _bank_page(request, import_form=form, import_errors=exc.messages, status=400)
    messages.success(
        request,
        _("Imported %(created)d questions; %(skipped)d already in the bank were skipped.")
        % {"created": result.created, "skipped": result.skipped},
    )
    return redirect("learning:bank")


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@guarded(LearningPerm.LEARNING_MANAGE)
def bank_export(request: HttpRequest) -> HttpResponse:
    content = bank_xlsx.export_questions(
        by=request.user, include_retired=request.GET.get("retired") == "1"
    )
    return _xlsx(content, "question-bank.xlsx")


@guarded(LearningPerm.LEARNING_MANAGE)
def bank_template(request: HttpRequest) -> HttpResponse:
    return _xlsx(bank_xlsx.template_file(), "question-bank-template.xlsx")


# --- quizzes -----------------------------------------------------------------------------


@guarded(LearningPerm.LEARNING_MANAGE)
def quizzes(request: HttpRequest) -> HttpResponse:
    """Every course with its final quiz and its lessons' quizzes."""
    courses = list(CoursePage.objects.order_by("path"))
    lessons = LessonPage.objects.order_by("path")
    by_course: dict[int, list] = {c.pk: [] for c in courses}
    course_paths = {c.path: c.pk for c in courses}
    for lesson in lessons:
        parent = course_paths.get(lesson.path[: -LessonPage.steplen])
        if parent is not None:
            by_course[parent].append(lesson)
    quiz_rows = Quiz.objects.prefetch_related("sources__category")
    final = {q.course_id: q for q in quiz_rows if q.lesson_id is None}
    per_lesson = {q.lesson_id: q for q in quiz_rows if q.lesson_id is not None}
    rows = [
        {
            "course": course,
            "quiz": final.get(course.pk),
            "lessons": [(lesson, per_lesson.get(lesson.pk)) for lesson in by_course[course.pk]],
        }
        for course in courses
    ]
    return render(request, "learning/bank/quizzes.html", {"rows": rows})


@guarded(LearningPerm.LEARNING_MANAGE)
def quiz_edit(request: HttpRequest, course_id: int, lesson_id: int | None = None) -> HttpResponse:
    course = get_object_or_404(CoursePage, pk=course_id)
    lesson = get_object_or_404(LessonPage, pk=lesson_id) if lesson_id else None
    quiz = Quiz.objects.filter(course=course, lesson=lesson).first()
    categories = QuestionCategory.objects.annotate(
        active_count=Count("questions", filter=Q(questions__active=True))
    )
    form = QuizForm(request.POST or None, quiz=quiz, categories=categories)

    def save(data: dict) -> None:
        bank_services.configure_quiz(
            by=request.user,
            course=course,
            lesson=lesson,
            sources=form.sources(),
            question_count=data["question_count"],
            pass_mark=data["pass_mark"],
            time_limit_minutes=data["time_limit_minutes"],
            attempt_limit=data["attempt_limit"],
            shuffle_choices=data["shuffle_choices"],
            title=data["title"],
        )

    if request.method == "POST" and submit_form(form, save, default_field="question_count"):
        messages.success(request, _("Quiz saved."))
        return redirect("learning:quizzes")
    return render(
        request,
        "learning/bank/quiz_form.html",
        {"form": form, "course": course, "lesson": lesson, "quiz": quiz},
    )
