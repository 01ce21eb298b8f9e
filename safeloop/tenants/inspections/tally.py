"""The tally of answers (合格 · 不合格 · 不适用) and the pass rate: one rule for
the result page, the completion page and the API.

A 不适用 (not applicable) answer is neither a pass nor a fail: it is left out
of the numerator and the denominator, so a checklist of 3 passes, 1 fail and
1 不适用 passes 3 of 4, not 4 of 5. Text items (recorded, not graded) count
nowhere either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from safeloop.tenants.inspections.models import Answer


@dataclass(frozen=True)
class Tally:
    passed: int = 0
    failed: int = 0
    not_applicable: int = 0

    @property
    def graded(self) -> int:
        """The answers a pass rate is taken over: passes and fails, never 不适用."""
        return self.passed + self.failed

    @property
    def pass_rate(self) -> float | None:
        """passed ÷ (passed + failed), rounded to 4 places; None when nothing was graded."""
        return round(self.passed / self.graded, 4) if self.graded else None


def tally_answers(answers: Iterable[Answer]) -> Tally:
    """The tally of answers already in memory (one inspection's result page)."""
    passed = failed = not_applicable = 0
    for answer in answers:
        if answer.not_applicable:
            not_applicable += 1
        elif answer.passed is True:
            passed += 1
        elif answer.passed is False:
            failed += 1
    return Tally(passed, failed, not_applicable)


def tally_of(answers: QuerySet[Answer]) -> Tally:
    """The tally of a set of answers, counted in the database (one query)."""
    counts = answers.aggregate(
        n_passed=Count("pk", filter=Q(passed=True, not_applicable=False)),
        n_failed=Count("pk", filter=Q(passed=False, not_applicable=False)),
        n_not_applicable=Count("pk", filter=Q(not_applicable=True)),
    )
    return Tally(counts["n_passed"], counts["n_failed"], counts["n_not_applicable"])
