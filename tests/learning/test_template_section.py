"""A new enterprise opens with its industry's starter training: courses with their
lessons (headings, 危险/注意 callouts, lists) as published Wagtail pages, a
question bank, a quiz after chosen lessons and a final quiz per course, and course
packs for the template's job roles (``[learning]`` of the industry template).

A bad value (an answer letter beyond the choices, a category or job role the
template does not have, a callout the markup does not know) is refused by name
before anything is written, and a signup with it leaves no enterprise behind.
"""

from __future__ import annotations

import copy
import dataclasses
import tomllib

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_exists, tenant_context
from wagtail.models import Page

from safeloop.learning.catalogue import add_course, add_lesson, lessons_of
from safeloop.learning.models import (
    CourseIndexPage,
    CoursePack,
    CoursePage,
    LessonPage,
    Question,
    QuestionCategory,
    Quiz,
)
from safeloop.learning.template_section import apply_learning
from safeloop.platform.industry import TemplateError, get_template
from safeloop.platform.industry.catalog import DATA_DIR
from safeloop.platform.models import Enterprise
from safeloop.platform.services import SignupData, provision_enterprise

pytestmark = pytest.mark.django_db

FIXTURE = tomllib.loads(
    '''
[learning]
lesson_quiz_questions = 3
final_quiz_questions = 5
pass_mark = 80

[[learning.categories]]
code = "T-MACH"
name = "机械设备安全"
name_en = "Machinery safety"

[[learning.categories.questions]]
kind = "single"
text = "冲床作业时，下列做法正确的是？"
choices = ["用手直接送料", "使用专用工具送取料", "拆除光电保护装置", "两人同时操作且无联锁"]
answer = "B"
explanation = "送取料必须使用专用手用工具。"

[[learning.categories.questions]]
kind = "multiple"
text = "砂轮机使用前应检查哪些项目？"
choices = ["防护罩是否完好", "托架与砂轮间隙", "砂轮有无裂纹", "操作者是否戴手套"]
answer = "ABC"
explanation = "戴手套操作旋转设备易被卷入。"

[[learning.categories.questions]]
kind = "true_false"
text = "设备检修时必须断电挂牌上锁。"
answer = true
explanation = "上锁挂牌防止误启动。"

[[learning.categories.questions]]
kind = "true_false"
text = "为提高效率可以短接安全联锁。"
answer = false
explanation = "严禁短接安全联锁。"

[[learning.categories.questions]]
kind = "single"
text = "机械伤害最常见的部位是？"
choices = ["手部", "头部", "脚部"]
answer = "A"
explanation = "手部最常接近运动部件。"

[[learning.categories.questions]]
kind = "single"
text = "旋转部件的防护罩应在何时装回？"
choices = ["下班前", "开机前", "有人检查时", "月底"]
answer = "B"
explanation = "开机前必须恢复全部防护。"

[[learning.categories]]
code = "T-FIRE"
name = "消防安全"
name_en = "Fire safety"

[[learning.categories.questions]]
kind = "single"
text = "干粉灭火器喷射时应对准？"
choices = ["火焰上部", "火焰根部", "烟雾", "墙面"]
answer = "B"
explanation = "对准火焰根部。"

[[learning.categories.questions]]
kind = "multiple"
text = "发生火灾时正确的做法有？"
choices = ["拨打119", "乘电梯逃生", "低姿沿疏散指示撤离", "用湿毛巾捂住口鼻"]
answer = "ACD"
explanation = "火灾时严禁乘电梯。"

[[learning.categories.questions]]
kind = "true_false"
text = "疏散通道可以临时堆放物料。"
answer = false
explanation = "疏散通道必须保持畅通。"

[[learning.categories.questions]]
kind = "single"
text = "车间灭火器的检查周期一般为？"
choices = ["每月", "每五年", "从不"]
answer = "A"
explanation = "灭火器每月检查一次。"

[[learning.courses]]
code = "T-C01"
title = "机械设备安全操作"
title_en = "Safe operation of machinery"
summary = "冲压、剪切和旋转设备的危险与防护。"
summary_en = "Hazards and guarding of presses and rotating machines."
hours = 2.5
renewal_months = 12
categories = ["T-MACH"]

[[learning.courses.lessons]]
title = "冲压设备的危险与防护"
title_en = "Hazards and guarding of presses"
minutes = 15
quiz = true
body = """
## 主要危险
冲压设备的滑块运动速度快，手进入模具区 <script> 即可能造成断指。
!danger 严禁用手直接伸入模具区送取料。
!caution 每班开机前检查光电保护装置。
- 使用专用手用工具
- 双手按钮不得短接
1. 断电
2. 挂牌上锁

## 应急处置
发生伤害立即停机并报告班组长。
"""

[[learning.courses.lessons]]
title = "旋转设备的防护"
title_en = "Guarding of rotating machines"
minutes = 10
body = """
!note 旋转设备附近不得戴手套、系领带。
操作前确认防护罩完好。
"""

[[learning.courses]]
code = "T-C02"
title = "消防安全与疏散"
title_en = "Fire safety and evacuation"
summary = "灭火器使用与火灾疏散。"
summary_en = "Using extinguishers and evacuating."
hours = 1
renewal_months = 0
categories = ["T-FIRE", "T-MACH"]

[[learning.courses.lessons]]
title = "灭火器的使用"
title_en = "Using a fire extinguisher"
minutes = 12
quiz = true
body = """
提、拔、握、压：提起灭火器，拔下保险销，握住喷管，压下压把。
"""

[[learning.packs]]
code = "T-P-WELDER"
name = "焊工岗位必修课程包"
name_en = "Welder's required courses"
job_roles = ["welder"]
courses = ["T-C01", "T-C02"]
due_days = 30

[[learning.packs]]
code = "T-P-ALL"
name = "全员必修课程包"
name_en = "Everyone's required courses"
job_roles = ["welder", "forklift_driver", "safety_manager"]
courses = ["T-C02"]
due_days = 14
renewal_months = 24
'''
)["learning"]


def _learning() -> dict:
    return copy.deepcopy(FIXTURE)


def _signup(slug: str, industry: str = "metal"):
    return provision_enterprise(
        SignupData(
            f"Learning {slug}", slug, industry, "Tian Yu", f"tian@{slug}.test", "Learn-2026-pass!"
        )
    )


def _with_learning(monkeypatch, learning: dict) -> None:
    """Signups use the metal template with ``learning`` as its [learning] section."""
    from safeloop.platform import services

    metal = get_template("metal")
    template = dataclasses.replace(metal, sections={**metal.sections, "learning": learning})
    monkeypatch.setattr(services, "get_template", lambda key: template)


def test_a_new_enterprise_opens_with_the_templates_courses_lessons_and_callouts(monkeypatch):
    _with_learning(monkeypatch, _learning())

    enterprise = _signup("learn-fresh")

    with tenant_context(enterprise):
        machinery = CoursePage.objects.get(code="T-C01")
        lessons = list(lessons_of(machinery))
        first = lessons[0]
        kinds = [block.block_type for block in first.body]
        callouts = [b.value for b in first.body if b.block_type == "callout"]
        texts = [b.value.source for b in first.body if b.block_type == "text"]
        problems = Page.find_problems()
        codes = list(CoursePage.objects.order_by("path").values_list("code", flat=True))
        parent = machinery.get_parent().specific
        fire = CoursePage.objects.get(code="T-C02")
        # The Wagtail admin's search finds them (indexed in bulk too).
        indexed = list(CoursePage.objects.search("机械设备安全操作"))

    assert codes == ["T-C01", "T-C02"]
    assert [p.pk for p in indexed] == [machinery.pk]
    assert isinstance(parent, CourseIndexPage)
    assert (machinery.title, machinery.title_en) == (
        "机械设备安全操作",
        "Safe operation of machinery",
    )
    assert (str(machinery.hours), machinery.renewal_months, fire.renewal_months) == ("2.5", 12, 0)
    assert machinery.live and first.live and machinery.url_path.endswith("/courses/t-c01/")
    assert [(lesson.title, lesson.minutes) for lesson in lessons] == [
        ("冲压设备的危险与防护", 15),
        ("旋转设备的防护", 10),
    ]
    assert kinds == ["heading", "text", "callout", "callout", "text", "heading", "text"]
    assert [(c["level"], c["text"].source) for c in callouts] == [
        ("danger", "<p>严禁用手直接伸入模具区送取料。</p>"),
        ("caution", "<p>每班开机前检查光电保护装置。</p>"),
    ]
    assert "&lt;script&gt;" in texts[0] and "<script>" not in texts[0]
    assert texts[1] == (
        "<ul><li>使用专用手用工具</li><li>双手按钮不得短接</li></ul><ol><li>断电</li><li>挂牌上锁</li></ol>"
    )
    # The tree built in bulk is one treebeard would have built: no orphan, wrong
    # depth or child count.
    assert all(not found for found in problems), problems


def test_the_template_bank_quizzes_and_packs_are_ready_to_use(monkeypatch):
    from safeloop.learning import quiz_services
    from safeloop.learning.assignment_services import my_courses
    from safeloop.tenants.facilities.models import JobRole, Person
    from safeloop.tenants.facilities.services import create_person

    _with_learning(monkeypatch, _learning())
    enterprise = _signup("learn-quiz")

    with tenant_context(enterprise):
        machinery = CoursePage.objects.get(code="T-C01")
        lesson_quiz = Quiz.objects.get(lesson__title="冲压设备的危险与防护")
        final = Quiz.objects.get(course=machinery, lesson=None)
        fire_final = Quiz.objects.get(course__code="T-C02", lesson=None)
        checks = Question.objects.get(text="砂轮机使用前应检查哪些项目？")
        right = [c.text for c in checks.choices.all() if c.correct]
        no_jamming = Question.objects.get(text="为提高效率可以短接安全联锁。")
        tf = [(c.text, c.correct) for c in no_jamming.choices.all()]
        welder_pack = CoursePack.objects.get(code="T-P-WELDER")
        pack_courses = [i.course.code for i in welder_pack.items.select_related("course")]
        everyone = CoursePack.objects.get(code="T-P-ALL")
        # A welder who joins gets the welder's pack and the all-staff pack at once.
        admin = Person.objects.select_related("user").get(user__email="tian@learn-quiz.test")
        welder = create_person(
            by=admin.user,
            email="gao@learn-quiz.test",
            full_name="Gao Feng 高峰",
            employee_no="E7001",
            roles=["operator"],
            job_role=JobRole.objects.get(code="welder"),
        )
        mine = sorted(card.course.code for card in my_courses(welder).required)
        paper = quiz_services.start_or_resume(final, by=welder.user).paper

        assert QuestionCategory.objects.count() == 2
        assert Question.objects.count() == 10
        assert Quiz.objects.count() == 4  # a lesson quiz in each course and two finals
        assert (lesson_quiz.question_count, final.question_count, final.pass_mark) == (3, 5, 80)
        assert sorted(lesson_quiz.sources.values_list("category__code", flat=True)) == ["T-MACH"]
        assert sorted(fire_final.sources.values_list("category__code", flat=True)) == [
            "T-FIRE",
            "T-MACH",
        ]
        assert set(welder_pack.job_roles.values_list("code", flat=True)) == {"welder"}
        assert everyone.job_roles.count() == 3
        assert JobRole.objects.get(code="welder").course_packs.count() == 2

    assert right == ["防护罩是否完好", "托架与砂轮间隙", "砂轮有无裂纹"]
    assert tf == [("对", False), ("错", True)]
    assert pack_courses == ["T-C01", "T-C02"]
    assert (welder_pack.due_days, welder_pack.renewal_months) == (30, None)
    assert (everyone.due_days, everyone.renewal_months) == (14, 24)
    assert mine == ["T-C01", "T-C02"]
    assert len(paper) == 5


def test_courses_added_by_hand_after_the_template_land_in_the_same_tree(in_acme):
    apply_learning(None, _learning())

    later = add_course(code="T-C03", title="用电安全")
    add_lesson(later, title="触电急救")
    add_lesson(CoursePage.objects.get(code="T-C01"), title="第三课")

    assert [lesson.title for lesson in lessons_of(CoursePage.objects.get(code="T-C01"))] == [
        "冲压设备的危险与防护",
        "旋转设备的防护",
        "第三课",
    ]
    assert list(CoursePage.objects.order_by("path").values_list("code", flat=True))[-3:] == [
        "T-C01",
        "T-C02",
        "T-C03",
    ]
    assert all(not found for found in Page.find_problems())


def _spoil(path: str, value) -> dict:
    data = _learning()
    target = data
    *parents, last = path.split(".")
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    target[int(last) if last.isdigit() else last] = value
    return data


BODY_WITH_BAD_CALLOUT = "## 标题\n正文。\n!warning 这不是已知的提示。\n"


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        ("categories.0.questions.2.answer", "yes", "category T-MACH question 3: answer 'yes'"),
        ("categories.0.questions.0.answer", "E", "category T-MACH question 1: answer 'E'"),
        ("categories.1.questions.1.answer", "A", "category T-FIRE question 2: answer 'A'"),
        ("categories.0.questions.4.kind", "essay", "category T-MACH question 5: kind 'essay'"),
        ("courses.1.categories", ["T-FIRE", "T-NOPE"], "course T-C02: unknown category 'T-NOPE'"),
        ("courses.0.lessons.1.body", BODY_WITH_BAD_CALLOUT, "course T-C01 lesson 2: line 3"),
        ("courses.0.lessons.0.minutes", 0, "course T-C01 lesson 1: minutes"),
        ("courses.1.code", "T-C01", "course T-C01: code used twice"),
        ("courses.1.hours", 0, "course T-C02: hours 0"),
        (
            "packs.1.job_roles",
            ["welder", "astronaut"],
            "pack T-P-ALL: unknown job role 'astronaut'",
        ),
        ("packs.0.courses", ["T-C09"], "pack T-P-WELDER: unknown course 'T-C09'"),
        (
            "final_quiz_questions",
            11,
            "course T-C01: its categories hold 6 questions; its quizzes draw 11",
        ),
    ],
)
def test_bad_template_value_is_refused_by_name_and_leaves_nothing(in_acme, path, value, named):
    before = [
        m.objects.count() for m in (Page, QuestionCategory, Question, Quiz, CoursePack, CoursePage)
    ]

    with pytest.raises(TemplateError) as refused:
        apply_learning(None, _spoil(path, value))

    assert named in str(refused.value)
    after = [
        m.objects.count() for m in (Page, QuestionCategory, Question, Quiz, CoursePack, CoursePage)
    ]
    assert after == before


def test_a_signup_whose_learning_section_is_bad_leaves_no_enterprise(monkeypatch):
    _with_learning(monkeypatch, _spoil("packs.0.job_roles", ["astronaut"]))

    with pytest.raises(TemplateError, match="pack T-P-WELDER: unknown job role 'astronaut'"):
        _signup("learn-bad")

    assert not Enterprise.objects.filter(slug="learn-bad").exists()
    assert not schema_exists("learn_bad")


def _statements(data: dict) -> int:
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            apply_learning(None, data)
        transaction.set_rollback(True)
    skip = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "SET ")
    return sum(1 for q in captured.captured_queries if not q["sql"].startswith(skip))


def test_a_section_twice_as_big_takes_the_same_number_of_queries(in_acme):
    bigger = _learning()
    for course in copy.deepcopy(bigger["courses"]):
        course["code"] = course["code"].replace("T-", "U-")
        bigger["courses"].append(course)
    bigger["packs"][0]["courses"] += ["U-C01", "U-C02"]
    _statements(_learning())  # content types and the like cached

    assert _statements(_learning()) == _statements(bigger)


def _template_files() -> list[str]:
    return sorted(path.stem for path in DATA_DIR.glob("*.toml"))


@pytest.mark.parametrize("key", _template_files())
def test_every_industry_templates_learning_section_applies_at_signup(key):
    raw = tomllib.loads((DATA_DIR / f"{key}.toml").read_text(encoding="utf-8"))
    learning = raw.get("learning", {})
    courses = learning.get("courses", [])
    lessons = [lesson for course in courses for lesson in course.get("lessons", [])]
    questions = sum(len(c.get("questions", [])) for c in learning.get("categories", []))
    quizzes = len(courses) + sum(1 for lesson in lessons if lesson.get("quiz"))
    links = sum(len(p.get("courses", [])) for p in learning.get("packs", []))

    enterprise = _signup(f"learn-{key}", key)

    with tenant_context(enterprise):
        counts = {
            "courses": CoursePage.objects.count(),
            "lessons": LessonPage.objects.count(),
            "questions": Question.objects.count(),
            "quizzes": Quiz.objects.count(),
            "packs": CoursePack.objects.count(),
            "pack courses": CoursePack.courses.through.objects.count(),
        }
    assert counts == {
        "courses": len(courses),
        "lessons": len(lessons),
        "questions": questions,
        "quizzes": quizzes,
        "packs": len(learning.get("packs", [])),
        "pack courses": links,
    }, key
