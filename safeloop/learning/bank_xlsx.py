"""The question bank as an XLSX sheet, the way Chinese enterprises keep 题库.

One question per row: 分类 (category code or name), 题型 (单选/多选/判断),
题干, 选项A…选项F, 答案 (B, ACD; 对/错 or A/B for true/false), 解析; English
headers (category, type, question, option A…F, answer, explanation) work too.
Two optional columns, 分类名称 and 分类英文名, name a category the file creates
(export writes them, so an export imports into another enterprise as the same
bank). True/false questions are 对 (A) and 错 (B), in that order.

Import is all-or-nothing: every bad row is named with its row number and what is
wrong, and then nothing is imported. A question already in the bank (same
category and text) is skipped, so importing a file twice adds nothing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from zipfile import BadZipFile

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from safeloop.access import ensure_can
from safeloop.learning.bank_services import MAX_CHOICES, ChoiceData, add_question, check_question
from safeloop.learning.models import Question, QuestionCategory, QuestionKind
from safeloop.learning.permissions import LearningPerm
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.facilities.models import code_validator

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
LETTERS = "ABCDEF"
TRUE_FALSE = ("对", "错")

# Column key -> headers accepted (compared without case and spaces).
COLUMNS: dict[str, tuple[str, ...]] = {
    "category": ("分类", "题目分类", "category"),
    "category_name": ("分类名称", "categoryname"),
    "category_name_en": ("分类英文名", "categorynameen", "categoryenglishname"),
    "kind": ("题型", "type", "kind"),
    "text": ("题干", "题目", "question", "text"),
    **{
        f"option_{letter}": (f"选项{letter}", f"option{letter}".lower(), letter.lower())
        for letter in LETTERS
    },
    "answer": ("答案", "正确答案", "answer"),
    "explanation": ("解析", "答案解析", "explanation"),
}
KINDS = {
    "单选": QuestionKind.SINGLE,
    "单选题": QuestionKind.SINGLE,
    "single": QuestionKind.SINGLE,
    "singlechoice": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "多选题": QuestionKind.MULTIPLE,
    "multiple": QuestionKind.MULTIPLE,
    "multiplechoice": QuestionKind.MULTIPLE,
    "判断": QuestionKind.TRUE_FALSE,
    "判断题": QuestionKind.TRUE_FALSE,
    "truefalse": QuestionKind.TRUE_FALSE,
    "true/false": QuestionKind.TRUE_FALSE,
}
KIND_LABELS = {
    QuestionKind.SINGLE: "单选",
    QuestionKind.MULTIPLE: "多选",
    QuestionKind.TRUE_FALSE: "判断",
}
TRUE_WORDS = {"对", "正确", "√", "✓", "是", "a", "t", "true", "yes", "y"}
FALSE_WORDS = {"错", "错误", "×", "✗", "否", "b", "f", "false", "no", "n"}


def _norm(value) -> str:
    return re.sub(r"\s+", "", str(value or "")).lower()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@dataclass
class ImportResult:
    created: int = 0
    skipped: int = 0
    categories: list[str] = field(default_factory=list)


@dataclass
class _Row:
    number: int
    category: str
    category_name: str
    category_name_en: str
    kind: str
    text: str
    choices: list[ChoiceData]
    explanation: str


def _header_map(header_row) -> dict[str, int]:
    wanted = {_norm(h): key for key, headers in COLUMNS.items() for h in headers}
    found: dict[str, int] = {}
    for index, value in enumerate(header_row):
        key = wanted.get(_norm(value))
        if key and key not in found:
            found[key] = index
    return found


def _parse_answer(kind: str, answer: str, options: list[str]) -> tuple[set[int], str | None]:
    """The indexes of the correct options, or a problem in words."""
    word = _norm(answer)
    if not word:
        return set(), _("the answer is empty")
    if kind == QuestionKind.TRUE_FALSE:
        if word in TRUE_WORDS:
            return {0}, None
        if word in FALSE_WORDS:
            return {1}, None
        return set(), _("a true/false answer is 对 or 错 (or A/B), not “%(a)s”") % {"a": answer}
    letters = re.sub(r"[,，、;；/]", "", word).upper()
    if not letters or any(ch not in LETTERS for ch in letters):
        return set(), _("the answer “%(a)s” is not made of option letters A–F") % {"a": answer}
    picked = {LETTERS.index(ch) for ch in letters}
    missing = [LETTERS[i] for i in sorted(picked) if i >= len(options) or not options[i]]
    if missing:
        return set(), _("the answer names option %(letters)s, which is empty") % {
            "letters": "".join(missing)
        }
    return picked, None


def _read_rows(file) -> tuple[list[_Row], list[str]]:
    if getattr(file, "size", 0) and file.size > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."), code="too_large")
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError, TypeError):
        # openpyxl raises any of these for a file that is not a workbook.
        raise ValidationError(
            _("This is not an Excel (.xlsx) file. Download the template and fill it in."),
            code="invalid_file",
        ) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns = _header_map(header)
    lacking = [
        COLUMNS[key][0] for key in ("category", "kind", "text", "answer") if key not in columns
    ]
    if lacking:
        raise ValidationError(
            _("Row 1 lacks the columns %(cols)s. Download the template and keep its headers.")
            % {"cols": "、".join(lacking)},
            code="invalid_header",
        )

    def get(values, key: str) -> str:
        index = columns.get(key)
        return _cell(values[index]) if index is not None and index < len(values) else ""

    parsed: list[_Row] = []
    problems: list[str] = []
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            problems.append(_("The file has more than %(n)d questions.") % {"n": MAX_ROWS})
            break
        if not any(_cell(v) for v in values):
            continue  # blank rows between blocks are common
        wrong: list[str] = []
        kind = KINDS.get(_norm(get(values, "kind")))
        if kind is None:
            wrong.append(
                _("the type “%(t)s” is not 单选, 多选 or 判断") % {"t": get(values, "kind")}
            )
        options = [get(values, f"option_{letter}") for letter in LETTERS[:MAX_CHOICES]]
        if kind == QuestionKind.TRUE_FALSE and not any(options):
            options = list(TRUE_FALSE) + [""] * (MAX_CHOICES - 2)
        while options and not options[-1]:
            options.pop()
        if "" in options:
            wrong.append(
                _("option %(letter)s is empty but a later option is filled in")
                % {"letter": LETTERS[options.index("")]}
            )
        correct, problem = _parse_answer(kind or "", get(values, "answer"), options)
        if kind is not None and problem:
            wrong.append(problem)
        if not get(values, "category"):
            wrong.append(_("the category is empty"))
        choices = [ChoiceData(text, i in correct) for i, text in enumerate(options)]
        if kind is not None and not problem:
            wrong += check_question(kind, get(values, "text"), choices)
        elif not get(values, "text"):
            wrong.append(_("the question text is empty"))
        if wrong:
            problems.append(
                _("Row %(row)d: %(problems)s.") % {"row": number, "problems": "; ".join(wrong)}
            )
            continue
        parsed.append(
            _Row(
                number=number,
                category=get(values, "category"),
                category_name=get(values, "category_name"),
                category_name_en=get(values, "category_name_en"),
                kind=kind,
                text=get(values, "text"),
                choices=choices,
                explanation=get(values, "explanation"),
            )
        )
    workbook.close()
    return parsed, problems


def _category_for(row: _Row, known: dict[str, QuestionCategory], created: list[str]):
    key = row.category.lower()
    if key in known:
        return known[key]
    try:
        code_validator(row.category)
        code = row.category
        name = row.category_name or row.category
    except ValidationError:
        # A Chinese name nobody has made a category of yet: give it a code.
        n = QuestionCategory.objects.count() + 1
        while QuestionCategory.objects.filter(code=f"QC{n:03d}").exists():
            n += 1
        code, name = f"QC{n:03d}", row.category_name or row.category
    category = QuestionCategory.objects.create(
        code=code, name=name[:120], name_en=row.category_name_en[:120]
    )
    known[key] = known[code.lower()] = known[category.name.lower()] = category
    created.append(code)
    return category


def import_questions(file, *, by) -> ImportResult:
    """Add the file's questions to the bank, all or none (see the module doc)."""
    ensure_can(by, LearningPerm.LEARNING_MANAGE)
    rows, problems = _read_rows(file)
    if problems:
        raise ValidationError(problems, code="invalid_rows")
    if not rows:
        raise ValidationError(_("The file holds no questions."), code="empty")
    result = ImportResult()
    with transaction.atomic():
        known: dict[str, QuestionCategory] = {}
        for category in QuestionCategory.objects.all():
            known.setdefault(category.code.lower(), category)
            known.setdefault(category.name.lower(), category)
        existing = set(Question.objects.values_list("category_id", "text"))
        for row in rows:
            category = _category_for(row, known, result.categories)
            if (category.pk, row.text) in existing:
                result.skipped += 1
                continue
            add_question(
                category=category,
                kind=row.kind,
                text=row.text,
                choices=row.choices,
                explanation=row.explanation,
            )
            existing.add((category.pk, row.text))
            result.created += 1
        record_event(
            None,
            "learning.questions_imported",
            by=by,
            object_type="learning.question",
            object_id="import",
            created=result.created,
            skipped=result.skipped,
            categories=result.categories,
            filename=getattr(file, "name", ""),
        )
    return result


def _headers() -> list[str]:
    return [
        "分类",
        "分类名称",
        "分类英文名",
        "题型",
        "题干",
        *(f"选项{letter}" for letter in LETTERS),
        "答案",
        "解析",
    ]


def _to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet(workbook: Workbook):
    sheet = workbook.active
    sheet.title = "题库"
    sheet.append(_headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, width in zip(
        "ABCDEFGHIJKLMN", (12, 16, 16, 8, 48, *(20,) * 6, 8, 40), strict=False
    ):
        sheet.column_dimensions[column].width = width
    return sheet


def export_questions(*, by, include_retired: bool = False) -> bytes:
    """The bank (active questions, or all) as an XLSX that :func:`import_questions` reads."""
    ensure_can(by, LearningPerm.LEARNING_MANAGE)
    workbook = Workbook()
    sheet = _sheet(workbook)
    questions = Question.objects.select_related("category").prefetch_related("choices")
    if not include_retired:
        questions = questions.filter(active=True)
    for question in questions.order_by("category__code", "id"):
        choices = list(question.choices.all())
        right = "".join(LETTERS[i] for i, c in enumerate(choices) if c.correct)
        if question.kind == QuestionKind.TRUE_FALSE:
            right = TRUE_FALSE[0] if right == "A" else TRUE_FALSE[1]
        options = [c.text for c in choices] + [""] * (MAX_CHOICES - len(choices))
        sheet.append(
            [
                question.category.code,
                question.category.name,
                question.category.name_en,
                KIND_LABELS[question.kind],
                question.text,
                *options[:MAX_CHOICES],
                right,
                question.explanation,
            ]
        )
    return _to_bytes(workbook)


def template_file() -> bytes:
    """An empty bank sheet with its headers, and a second sheet explaining each column."""
    workbook = Workbook()
    _sheet(workbook)
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "说明", "示例"])
    for row in (
        ("分类", "分类编码或名称；不存在时自动新建", "ELEC"),
        ("分类名称 / 分类英文名", "可不填；新建分类时使用", "用电安全 / Electrical safety"),
        ("题型", "单选、多选或判断", "单选"),
        ("题干", "题目内容", "发现有人触电，首先应当："),
        ("选项A…选项F", "按顺序填写，判断题可不填（默认 对/错）", "切断电源"),
        ("答案", "单选填一个字母，多选填多个字母，判断题填 对 或 错", "A；ACD；对"),
        ("解析", "可不填；交卷后向答错的人展示", "先断电再施救，防止施救者触电。"),
    ):
        notes.append(list(row))
    for cell in notes[1]:
        cell.font = Font(bold=True)
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 56
    notes.column_dimensions["C"].width = 36
    return _to_bytes(workbook)
