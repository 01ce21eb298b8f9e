"""What a fault run is judged by: the answers, the rows, the e-mails, /healthz.

A ``FaultRun`` holds one test's reports (half through the QR page, half through
GraphQL), sends them, and checks afterwards what the acceptance text asks:

* every answer came within 2 s and was clear (a receipt or a message a person
  can act on; a 500 only while PostgreSQL itself was down);
* after the phones without a receipt tried again, every report is one row;
* every e-mail of every saved hazard arrived exactly once, counted per
  recipient and subject against the e-mails of a report made with nothing broken;
* /healthz answered within a second while the fault lasted.

The figures go into the assertion message and into ``<run folder>/<name>.json``.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

from tests.faults.load import (
    BUDGET,
    GraphQLReport,
    PageReport,
    Phone,
    Report,
    burst,
    resend_unsaved,
)
from tests.support.mailbox import delivered
from tests.support.stack import Stack

DELIVERY_SECONDS = 25  # a sweep every 5 s, a retry or two
HEALTH_BUDGET = 1.0


def database(stack: Stack):
    pg = stack.postgres
    conn = psycopg.connect(
        host=str(pg.folder), port=pg.port, dbname="safeloop", user="postgres", autocommit=True
    )
    conn.execute(f'SET search_path TO "{stack.seed["schema"]}", public')
    return conn


def hazards(stack: Stack, prefix: str) -> dict[str, list[str]]:
    """Saved hazard numbers by description, for the reports whose description starts so."""
    with database(stack) as conn:
        rows = conn.execute(
            "SELECT description, number FROM hazards_hazard WHERE description LIKE %s",
            [prefix + "%"],
        ).fetchall()
    saved: dict[str, list[str]] = {}
    for description, number in rows:
        saved.setdefault(description, []).append(number)
    return saved


def photo_names(stack: Stack) -> set[str]:
    with database(stack) as conn:
        return {row[0] for row in conn.execute("SELECT image FROM hazards_hazardphoto")}


def mail_pattern(sent: list[tuple[str, str, str]], number: str) -> Counter:
    """The e-mails about hazard ``number``: (recipient, subject with the number and
    dates blanked) → how many different messages arrived. A message written again
    with the same Message-ID counts once: receivers drop it as a duplicate."""
    ids: dict[tuple[str, str], set[str]] = {}
    for recipient, subject, message_id in sent:
        if number in subject:
            general = re.sub(
                r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "<when>", subject.replace(number, "#")
            )
            ids.setdefault((recipient, general), set()).add(message_id)
    return Counter({key: len(found) for key, found in ids.items()})


@dataclass
class FaultRun:
    stack: Stack
    phone: Phone
    expected_mail: Counter  # the pattern of one report with nothing broken
    name: str
    reports: list[Report] = field(default_factory=list)
    health: list[tuple[float, int | None]] = field(default_factory=list)
    db_down: list[tuple[float, float]] = field(default_factory=list)  # monotonic windows
    noted: dict[str, list[str]] = field(default_factory=dict)  # a test's own findings

    def make_reports(self, count: int) -> list[Report]:
        kinds = (PageReport, GraphQLReport)
        made = [kinds[i % 2](self.phone, f"{self.name} #{i:02d}") for i in range(count)]
        self.reports += made
        return made

    def open_pages(self) -> None:
        """The phones open the QR page before the fault (they are mid-report when it hits)."""
        for report in self.reports:
            if isinstance(report, PageReport) and (failed := report.open()):
                report.answers.append(failed)

    def send(self, reports: list[Report] | None = None, **kwargs) -> None:
        burst(self.reports if reports is None else reports, **kwargs)

    def note(self, what: str, items: list[str]) -> None:
        """A finding of the test's own, judged with the rest (empty: nothing wrong)."""
        self.noted[what] = list(items)

    def resend_unsaved(self) -> None:
        resend_unsaved(self.reports)

    def probe_health(self) -> None:
        started = time.monotonic()
        try:
            status = requests.get(self.stack.base + "/healthz", timeout=5).status_code
        except requests.RequestException:
            status = None
        self.health.append((time.monotonic() - started, status))

    def database_down(self, restart) -> None:
        """Run ``restart`` (PostgreSQL going away and back) and remember when it was down."""
        started = time.monotonic()
        restart()
        self.db_down.append((started, time.monotonic() + 0.5))  # requests already in flight

    def _while_db_down(self, at: float) -> bool:
        return any(start <= at <= end for start, end in self.db_down)

    # --- the verdict -----------------------------------------------------------------

    def unclear_answers(self) -> list[str]:
        bad = []
        for report in self.reports:
            for answer in report.answers:
                excused = answer.status == 500 and self._while_db_down(answer.at)
                if not answer.clear and not (excused and answer.seconds <= BUDGET):
                    bad.append(f"{report}: {answer}")
        return bad

    def row_counts(self) -> tuple[dict[str, list[str]], list[str]]:
        saved = hazards(self.stack, self.name + " #")
        wrong = [
            f"{report}: {len(saved.get(report.description, []))} rows"
            for report in self.reports
            if len(saved.get(report.description, [])) != 1
        ]
        return saved, wrong

    def mail_problems(self, numbers: list[str]) -> list[str]:
        """Wait (bounded) until every hazard's e-mails match the pattern; name what differs."""
        deadline = time.monotonic() + DELIVERY_SECONDS
        while True:
            sent = delivered(self.stack.mailbox)
            problems = []
            for number in numbers:
                got = mail_pattern(sent, number)
                missing = sum((self.expected_mail - got).values())
                doubled = sum((got - self.expected_mail).values())
                if missing or doubled:
                    problems.append(f"{number}: {missing} missing, {doubled} extra")
            if not problems or time.monotonic() > deadline:
                return problems
            time.sleep(1)

    def verdict(self) -> None:
        unclear = self.unclear_answers()
        saved, wrong_rows = self.row_counts()
        numbers = sorted(n for ns in saved.values() for n in ns)
        mail = self.mail_problems(numbers)
        sent = delivered(self.stack.mailbox)
        ours = sum(1 for _to, subject, _id in sent if any(n in subject for n in numbers))
        distinct = sum(sum(mail_pattern(sent, n).values()) for n in numbers)
        slow_health = [f"{s:.1f}s→{code}" for s, code in self.health if s > HEALTH_BUDGET]
        answers = [a for r in self.reports for a in r.answers]
        figures = {
            "reports": len(self.reports),
            "answers": len(answers),
            "answers_by_kind": dict(Counter(a.kind for a in answers)),
            "slowest_answer_s": round(max((a.seconds for a in answers), default=0), 2),
            "unclear_answers": unclear,
            "rows_not_one": wrong_rows,
            "hazards_saved": len(numbers),
            "expected_mail_per_hazard": sum(self.expected_mail.values()),
            "mail_problems": mail,
            "mail_resent_with_same_message_id": ours - distinct,
            "health": [f"{s:.2f}s→{code}" for s, code in self.health],
            **self.noted,
        }
        Path(self.stack.folder, f"{self.name}.json").write_text(json.dumps(figures, indent=1))
        failures = {
            "answers not clear within 2 s": unclear,
            "reports not saved exactly once": wrong_rows,
            "e-mails not delivered exactly once": mail,
            "/healthz slower than 1 s": slow_health,
            **self.noted,
        }
        summary = "\n".join(
            f"{what} ({len(items)}):\n  " + "\n  ".join(items[:12])
            for what, items in failures.items()
            if items
        )
        assert not summary, f"{self.name}:\n{summary}\nfigures: {json.dumps(figures)}"
