"""Forms of the question bank and quiz set-up pages; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from safeloop.learning.bank_services import MAX_CHOICES, ChoiceData
from safeloop.learning.models import Question, QuestionCategory, QuestionKind, Quiz
from safeloop.web.forms import ShellForm

LETTERS = "ABCDEF"[:MAX_CHOICES]


class CategoryForm(ShellForm):
    code = forms.CharField(label=_("code"), max_length=40)
    name = forms.CharField(label=_("name (Chinese)"), max_length=120)
    name_en = forms.CharField(label=_("name (English)"), max_length=120, required=False)


class QuestionForm(ShellForm):
    category = forms.ModelChoiceField(
        label=_("category"), queryset=QuestionCategory.objects.all(), empty_label=None
    )
    kind = forms.ChoiceField(label=pgettext_lazy("question", "type"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("question"), widget=forms.Textarea(attrs={"rows": 3}))
    explanation = forms.CharField(
        label=_("explanation"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown after submission to whoever answered wrongly."),
    )

    def __init__(self, *args, question: Question | None = None, **kwargs):
        if question is not None and not kwargs.get("data"):
            choices = list(question.choices.all())
            initial = {
                "category": question.category_id,
                "kind": question.kind,
                "text": question.text,
                "explanation": question.explanation,
            }
            for letter, choice in zip(LETTERS, choices, strict=False):
                initial[f"option_{letter}"] = choice.text
                initial[f"correct_{letter}"] = choice.correct
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for letter in LETTERS:
            self.fields[f"option_{letter}"] = forms.CharField(
                label=_("Option %(letter)s") % {"letter": letter}, max_length=500, required=False
            )
            self.fields[f"correct_{letter}"] = forms.BooleanField(
                label=_("correct"), required=False
            )

    def option_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(x, self[f"option_{x}"], self[f"correct_{x}"]) for x in LETTERS]

    def choices(self) -> list[ChoiceData]:
        data = self.cleaned_data
        if data["kind"] == QuestionKind.TRUE_FALSE and not any(
            data.get(f"option_{x}") for x in LETTERS
        ):
            return [
                ChoiceData("对", data.get("correct_A")),
                ChoiceData("错", data.get("correct_B")),
            ]
        return [
            ChoiceData(data.get(f"option_{x}") or "", bool(data.get(f"correct_{x}")))
            for x in LETTERS
            if data.get(f"option_{x}")
        ]


class ImportForm(ShellForm):
    file = forms.FileField(
        label=_("XLSX file"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )


class QuizForm(ShellForm):
    title = forms.CharField(label=_("title"), max_length=200, required=False)
    question_count = forms.IntegerField(
        label=_("questions per attempt"), min_value=1, max_value=200
    )
    pass_mark = forms.IntegerField(label=_("pass mark (%)"), min_value=1, max_value=100)
    time_limit_minutes = forms.IntegerField(
        label=_("time limit (minutes)"), min_value=1, required=False, help_text=_("Empty: none.")
    )
    attempt_limit = forms.IntegerField(
        label=_("attempt limit"), min_value=1, required=False, help_text=_("Empty: unlimited.")
    )
    shuffle_choices = forms.BooleanField(label=_("shuffle options"), required=False)

    def __init__(self, *args, quiz: Quiz | None = None, categories=(), **kwargs):
        weights = {}
        if quiz is not None and quiz.pk:
            weights = {s.category_id: s.weight for s in quiz.sources.all()}
        kwargs.setdefault(
            "initial",
            {
                "title": quiz.title if quiz else "",
                "question_count": quiz.question_count if quiz else 5,
                "pass_mark": quiz.pass_mark if quiz else 80,
                "time_limit_minutes": quiz.time_limit_minutes if quiz else None,
                "attempt_limit": quiz.attempt_limit if quiz else None,
                "shuffle_choices": quiz.shuffle_choices if quiz else True,
                **{f"weight_{pk}": w for pk, w in weights.items()},
            },
        )
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        for category in self.categories:
            self.fields[f"weight_{category.pk}"] = forms.IntegerField(
                label=category.display_name, min_value=0, max_value=100, required=False
            )

    def weight_fields(self):
        return [(c, self[f"weight_{c.pk}"]) for c in self.categories]

    def sources(self) -> list[tuple[QuestionCategory, int]]:
        return [
            (c, self.cleaned_data[f"weight_{c.pk}"])
            for c in self.categories
            if self.cleaned_data.get(f"weight_{c.pk}")
        ]
