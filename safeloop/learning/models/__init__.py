"""Learning (培训): courses as Wagtail pages, the question bank, quizzes,
course packs and assignments, lesson progress and certificates."""

from safeloop.learning.models.assignments import (  # noqa: F401
    Assignment,
    AssignmentSource,
    CoursePack,
    CoursePackCourse,
    LessonProgress,
)
from safeloop.learning.models.bank import Choice, Question, QuestionCategory, QuestionKind  # noqa: F401
from safeloop.learning.models.certificates import Certificate  # noqa: F401
from safeloop.learning.models.pages import CourseIndexPage, CoursePage, LessonPage  # noqa: F401
from safeloop.learning.models.quizzes import Attempt, Quiz, QuizSource  # noqa: F401
