"""The clause check: a report against the 重大事故隐患判定标准 of its industry.

When a hazard is reported, :func:`propose_clauses` looks for clauses that
apply, first through the picked library entry (a clause lists the entries it
covers), then through the words of the report. The first match makes the
hazard 重大 with the clause on record (``clause_status = proposed``); a
manager confirms it or overrules it with a reason, and both are audited.

Matching is deliberately plain: a clause's keyword group matches when every
word is in the report. Colloquial "没有/没" read as "未", and a phrase that
says the thing is fine ("已设置泄爆片", "未发现裂缝") is taken out first, so a
report that something *is* in place does not match a clause about its absence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_tenant_model

from safeloop.access import ensure_can
from safeloop.platform.errors import field_error
from safeloop.platform.industry.criteria import VERSION, Clause, clauses_for, get_clause
from safeloop.tenants.audit.services import record_event
from safeloop.tenants.hazards import major
from safeloop.tenants.hazards.models import ClauseStatus, Grade, Hazard, LibraryEntry
from safeloop.tenants.hazards.permissions import HazardPerm


class ClauseErrorCode:
    REQUIRED = "required"
    INVALID = "invalid"
    NO_CLAUSE = "no_clause"
    ALREADY_DECIDED = "already_decided"


@dataclass(frozen=True)
class ClauseMatch:
    clause: Clause
    via: str  # "entry": the picked library entry is covered; "text": the words matched
    words: tuple[str, ...] = ()


# Phrases that say something is in order; the segment they sit in is not a finding.
_FINE = (
    "未发现",
    "无异常",
    "正常",
    "完好",
    "已设置",
    "已安装",
    "已投用",
    "已恢复",
    "已整改",
    "已办理",
    "齐全",
    "已撤人",
    "已撤离",
)
# ... unless they are themselves negated ("未正常投用", "不齐全").
_NEGATORS = "未不无非"
_SEGMENTS = re.compile(r"[，。；;,.!！?？\n\r]+")


def normalize(text: str) -> str:
    """The report as the keywords are written: no spaces, "没有/没" → "未", full-width digits."""
    text = (text or "").lower()
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    text = re.sub(r"\s+", "", text)
    return text.replace("没有", "未").replace("没", "未")


def _is_fine(segment: str) -> bool:
    for phrase in _FINE:
        start = segment.find(phrase)
        while start != -1:
            if start == 0 or segment[start - 1] not in _NEGATORS:
                return True
            start = segment.find(phrase, start + 1)
    return False


def findings(text: str) -> str:
    """The parts of a report that describe something wrong."""
    segments = _SEGMENTS.split(normalize(text))
    return "。".join(s for s in segments if s and not _is_fine(s))


def _contains(body: str, word: str, *, guard: bool = True) -> bool:
    """``word`` is in the report and not negated right before it ("未超过9人" is not
    "超过9人"), unless the word is itself a negation ("未设置") or its group
    expects one (``guard=False``: the group lists a bare "未", the finding is an absence)."""
    if not guard or word[:1] in _NEGATORS:
        return word in body
    start = body.find(word)
    while start != -1:
        if start == 0 or body[start - 1] not in _NEGATORS:
            return True
        start = body.find(word, start + 1)
    return False


def _entry_key(industry: str, entry: LibraryEntry | None) -> str | None:
    return f"{industry}:{entry.code}" if entry is not None else None


def propose_clauses(
    text: str, industry: str, library_entry: LibraryEntry | None = None
) -> list[ClauseMatch]:
    """The clauses of ``industry``'s criteria that the report meets, best first.

    A clause that covers the picked library entry comes first; then clauses
    whose keywords the text holds, the most specific (longest matched words)
    first, ties in the order of the criteria.
    """
    entry_key = _entry_key(industry, library_entry)
    body = findings(text)
    by_entry: list[ClauseMatch] = []
    by_text: list[tuple[int, int, ClauseMatch]] = []
    for position, clause in enumerate(clauses_for(industry)):
        if entry_key and entry_key in clause.entries:
            by_entry.append(ClauseMatch(clause, "entry"))
            continue
        best: tuple[str, ...] | None = None
        for group in clause.keywords:
            words = tuple(normalize(w) for w in group)
            guard = not any(w in _NEGATORS for w in words)
            if all(_contains(body, w, guard=guard) for w in words) and (
                best is None or sum(map(len, words)) > sum(map(len, best))
            ):
                best = words
        if best is not None:
            by_text.append((-sum(map(len, best)), position, ClauseMatch(clause, "text", best)))
    by_text.sort(key=lambda row: row[:2])
    return by_entry + [row[2] for row in by_text]


def tenant_industry() -> str:
    """The current enterprise's industry template key ("metal", "food" ...)."""
    industry = getattr(getattr(connection, "tenant", None), "industry", None)
    if industry is None:  # schema_context() sets a schema, not the enterprise
        industry = (
            get_tenant_model()
            .objects.filter(schema_name=connection.schema_name)
            .values_list("industry", flat=True)
            .first()
        )
    return industry or ""


def apply_proposal(hazard: Hazard) -> ClauseMatch | None:
    """Before a new hazard is saved: grade it major if a clause applies, clause on record."""
    matches = propose_clauses(
        f"{hazard.title}\n{hazard.description}", tenant_industry(), hazard.library_entry
    )
    if not matches:
        return None
    _put_on_record(hazard, matches[0].clause)
    hazard.grade_before_clause = hazard.grade
    hazard.grade = Grade.MAJOR
    return matches[0]


def _put_on_record(hazard: Hazard, clause: Clause) -> None:
    hazard.clause_id = clause.id
    hazard.clause_number = clause.number
    hazard.clause_text = clause.text
    hazard.clause_criteria = f"{clause.criteria_name}（{clause.criteria_ref}）"
    hazard.clause_version = VERSION
    hazard.clause_status = ClauseStatus.PROPOSED


def proposed_clauses(hazard: Hazard) -> list[ClauseMatch]:
    """What the check proposes for an existing hazard (the detail page, the API)."""
    return propose_clauses(
        f"{hazard.title}\n{hazard.description}", tenant_industry(), hazard.library_entry
    )


def _lock(hazard: Hazard) -> Hazard:
    return Hazard.objects.select_for_update().get(pk=hazard.pk)


def _require_proposed(hazard: Hazard) -> None:
    if not hazard.clause_id:
        raise ValidationError(
            _("No clause is on record for this hazard."), code=ClauseErrorCode.NO_CLAUSE
        )
    if hazard.clause_status != ClauseStatus.PROPOSED:
        raise ValidationError(
            _("The clause has already been decided."), code=ClauseErrorCode.ALREADY_DECIDED
        )


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise field_error("reason", message, ClauseErrorCode.REQUIRED)
    return reason


@transaction.atomic
def confirm_clause(hazard: Hazard, *, by, reason: str, clause_id: str | None = None) -> Hazard:
    """A manager confirms the proposed clause (or names another of the criteria): 重大 stands."""
    ensure_can(by, HazardPerm.HAZARD_CONFIGURE)
    hazard = _lock(hazard)
    reason = _reason(reason, _("Say why the clause applies."))
    if clause_id and clause_id != hazard.clause_id:
        clause = get_clause(clause_id)
        if clause is None or clause not in clauses_for(tenant_industry()):
            raise field_error("clause", _("Unknown clause."), ClauseErrorCode.INVALID)
        if not hazard.clause_id:
            hazard.grade_before_clause = hazard.grade
        _put_on_record(hazard, clause)
    _require_proposed(hazard)
    hazard.clause_status = ClauseStatus.CONFIRMED
    hazard.clause_reason = reason
    hazard.clause_decided_by = by
    hazard.clause_decided_at = timezone.now()
    regraded = hazard.grade != Grade.MAJOR
    hazard.grade = Grade.MAJOR
    hazard.save()
    if regraded:
        _follow_grade(hazard)
    record_event(
        hazard,
        "hazard.clause_confirmed",
        by=by,
        clause=hazard.clause_id,
        number=hazard.clause_number,
        reason=reason,
    )
    return hazard


@transaction.atomic
def overrule_clause(hazard: Hazard, *, by, reason: str, grade: str | None = None) -> Hazard:
    """A manager finds the clause does not apply: the hazard goes back to the grade
    the reporter or the library gave (or ``grade``). 重大 stays reserved for
    statutory items, so an overruled hazard is never major."""
    ensure_can(by, HazardPerm.HAZARD_CONFIGURE)
    hazard = _lock(hazard)
    reason = _reason(reason, _("Say why the clause does not apply."))
    _require_proposed(hazard)
    if grade:
        if grade not in (Grade.GENERAL, Grade.SERIOUS):
            raise field_error(
                "grade",
                _("Without a clause of the criteria a hazard is general or serious."),
                ClauseErrorCode.INVALID,
            )
        new_grade = grade
    else:
        new_grade = hazard.grade_before_clause or Grade.SERIOUS
        if new_grade == Grade.MAJOR:
            new_grade = Grade.SERIOUS
    before = hazard.grade
    major.lift_stop(hazard, by=by)  # no longer 重大: off the legal path
    hazard.grade = new_grade
    hazard.clause_status = ClauseStatus.OVERRULED
    hazard.clause_reason = reason
    hazard.clause_decided_by = by
    hazard.clause_decided_at = timezone.now()
    hazard.save()
    if before != new_grade:
        _follow_grade(hazard)
    record_event(
        hazard,
        "hazard.clause_overruled",
        by=by,
        clause=hazard.clause_id,
        number=hazard.clause_number,
        reason=reason,
        grade_from=before,
        grade_to=new_grade,
    )
    return hazard


def _follow_grade(hazard: Hazard) -> None:
    """A new grade brings its policy's sign-off path and deadline while nobody has
    signed yet and the fix is not submitted."""
    from safeloop.tenants.hazards.models import OPEN_STATES, State
    from safeloop.tenants.hazards.services import policy_for

    if hazard.state not in OPEN_STATES or hazard.state == State.AWAITING_ACCEPTANCE:
        return
    if hazard.accepted_count:
        return
    policy = policy_for(hazard.grade)
    hazard.acceptance_levels = list(policy.acceptance_levels)
    fields = ["acceptance_levels"]
    if hazard.deadline is not None:
        from datetime import timedelta

        hazard.deadline = hazard.reported_at + timedelta(hours=policy.deadline_hours)
        fields.append("deadline")
    hazard.save(update_fields=fields)
    if hazard.grade == Grade.MAJOR:
        major.open_case(hazard)  # the legal path: plan, assessment, the principal's sign-off
