"""The question bank as XLSX: Wang Wei (admin) imports and exports; Zhang San may not."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django_tenants.utils import tenant_context
from openpyxl import Workbook, load_workbook

from safeloop.learning import bank_xlsx
from safeloop.learning.models import Question, QuestionCategory
from tests.learning._quiz_data import make_category

HEADERS = ["分类", "题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析"]
GOOD_ROWS = [
    [
        "QZ-ELEC",
        "单选",
        "发现有人触电，首先应当：",
        "切断电源",
        "直接拉人",
        "泼水",
        "",
        "A",
        "先断电",
    ],
    ["QZ-ELEC", "多选", "电气火灾可用：", "干粉灭火器", "二氧化碳灭火器", "水", "泡沫", "AB", ""],
    ["测验用电", "判断", "湿手可以操作开关。", "", "", "", "", "错", "湿手易触电"],
]


def xlsx(rows, headers=HEADERS, name="题库.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def bank_snapshot() -> list[tuple]:
    """The tests' part of the bank (category codes QZ-…; an industry template may hold
    more) as comparable values: category, kind, text, options with their key."""
    return sorted(
        (
            q.category.code,
            q.category.name,
            q.kind,
            q.text,
            q.explanation,
            tuple((c.text, c.correct) for c in q.choices.all()),
        )
        for q in Question.objects.filter(category__code__startswith="QZ-")
        .select_related("category")
        .prefetch_related("choices")
    )


def test_a_good_sheet_imports_every_question(wang):
    QuestionCategory.objects.create(code="QZ-ELEC", name="测验用电")

    result = bank_xlsx.import_questions(xlsx(GOOD_ROWS), by=wang)

    assert (result.created, result.skipped, result.categories) == (3, 0, [])
    multiple = Question.objects.get(text="电气火灾可用：")
    assert [c.correct for c in multiple.choices.all()] == [True, True, False, False]
    true_false = Question.objects.get(kind="true_false")
    assert [(c.text, c.correct) for c in true_false.choices.all()] == [("对", False), ("错", True)]
    assert true_false.category.code == "QZ-ELEC"  # found by its name


def test_importing_the_same_sheet_twice_adds_nothing(wang):
    bank_xlsx.import_questions(xlsx(GOOD_ROWS), by=wang)
    again = bank_xlsx.import_questions(xlsx(GOOD_ROWS), by=wang)
    assert (again.created, again.skipped) == (0, 3)
    assert Question.objects.filter(text__in=[row[2] for row in GOOD_ROWS]).count() == 3


def test_english_headers_are_read_too(wang):
    headers = ["Category", "Type", "Question", "Option A", "Option B", "Answer", "Explanation"]
    rows = [["QZ-PPE", "single", "Which protects the eyes?", "Goggles", "Gloves", "A", ""]]
    assert bank_xlsx.import_questions(xlsx(rows, headers), by=wang).created == 1
    assert QuestionCategory.objects.get(code="QZ-PPE").name == "QZ-PPE"


def test_a_bad_row_imports_nothing_and_every_bad_row_is_named_in_chinese(wang):
    rows = [
        *GOOD_ROWS,
        ["QZ-ELEC", "单选", "少了答案", "甲", "乙", "", "", "", ""],  # row 5
        ["QZ-ELEC", "填空", "不支持的题型", "甲", "乙", "", "", "A", ""],  # row 6
        ["QZ-ELEC", "单选", "答案不是选项", "甲", "乙", "", "", "D", ""],  # row 7
        ["QZ-ELEC", "单选", "单选两个答案", "甲", "乙", "丙", "", "AB", ""],  # row 8
        ["", "判断", "没有分类", "", "", "", "", "对", ""],  # row 9
    ]
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as refused:
            bank_xlsx.import_questions(xlsx(rows), by=wang)

    messages = refused.value.messages
    assert [m.split("：")[0].split(":")[0] for m in messages] == [
        "第 5 行",
        "第 6 行",
        "第 7 行",
        "第 8 行",
        "第 9 行",
    ]
    assert "答案" in messages[0] and "填空" in messages[1] and "D" in messages[2]
    assert not Question.objects.filter(text__in=[row[2] for row in rows]).exists()
    assert not QuestionCategory.objects.filter(code="QZ-ELEC").exists()


def test_a_file_that_is_not_a_workbook_or_lacks_columns_is_refused(wang):
    with pytest.raises(ValidationError) as not_xlsx:
        bank_xlsx.import_questions(SimpleUploadedFile("bank.xlsx", b"PK\x03\x04 nope"), by=wang)
    with pytest.raises(ValidationError) as no_answer:
        bank_xlsx.import_questions(xlsx(GOOD_ROWS, ["分类", "题型", "题干"]), by=wang)
    assert not_xlsx.value.code == "invalid_file"
    assert no_answer.value.code == "invalid_header"


def test_only_a_learning_manager_imports_or_exports(zhang):
    with pytest.raises(PermissionDenied):
        bank_xlsx.import_questions(xlsx(GOOD_ROWS), by=zhang)
    with pytest.raises(PermissionDenied):
        bank_xlsx.export_questions(by=zhang)
    assert not Question.objects.filter(text__in=[row[2] for row in GOOD_ROWS]).exists()


def test_an_export_imports_into_another_enterprise_as_the_same_bank(wang, globex, chen):
    make_category("QZ-WELD", "焊接", singles=3, multiples=2, tfs=2)
    make_category("QZ-FIRE", "消防", singles=1, tfs=1)
    Question.objects.filter(text="焊接单选题3").update(explanation="")
    exported = bank_xlsx.export_questions(by=wang)
    acme_bank = bank_snapshot()

    with tenant_context(globex):
        result = bank_xlsx.import_questions(SimpleUploadedFile("acme.xlsx", exported), by=chen)
        globex_bank = bank_snapshot()

    assert {"QZ-FIRE", "QZ-WELD"} <= set(result.categories)
    assert globex_bank == acme_bank


def test_the_template_has_the_headers_and_explains_them():
    workbook = load_workbook(io.BytesIO(bank_xlsx.template_file()))
    headers = [c.value for c in workbook.worksheets[0][1]]
    assert headers[:5] == ["分类", "分类名称", "分类英文名", "题型", "题干"]
    assert headers[-2:] == ["答案", "解析"]
    assert workbook.worksheets[1].title == "填写说明"
