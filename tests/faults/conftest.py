"""The fault suite's stack: started once per run, healed after every test.

Nothing here uses the pytest-django test database: the stack has a PostgreSQL
of its own (tests.support.stack), seeded by tests.faults.seed, and the tests
read it with plain SQL while its processes run.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest

from tests.faults.load import GraphQLReport, PageReport, Phone, idempotency_field
from tests.faults.verdict import FaultRun, hazards, mail_pattern
from tests.support.mailbox import delivered
from tests.support.stack import Stack, wait_until

# Short beat intervals, so a lost message is found again within the test.
SWEEP_SECONDS = "5"


@pytest.fixture(scope="session")
def stack():
    # Not under pytest's temporary folder: other pytest runs on the machine prune
    # that one, and the logs are what a failed run leaves to read.
    stack = Stack(
        Path(tempfile.mkdtemp(prefix="safeloop-faults-")),
        seed_module="tests.faults.seed",
        extra_env={
            "SAFELOOP_DEADLINE_SCAN_SECONDS": SWEEP_SECONDS,
            "SAFELOOP_OUTBOX_SWEEP_SECONDS": SWEEP_SECONDS,
            "LOG_LEVEL": "WARNING",
        },
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def phone(stack):
    """Zhang San's phone, signed in with his employee number and PIN."""
    phone = Phone(stack.base, stack.seed["host"], stack.seed)
    phone.sign_in()
    phone.warm_up()
    GraphQLReport.input_key_field = idempotency_field(phone)
    return phone


@pytest.fixture(scope="session")
def expected_mail(stack, phone):
    """The e-mails one major hazard brings when nothing is broken (recipient, subject)."""
    report = PageReport(phone, "baseline #00")
    answer = report.send()
    assert answer.kind == "saved", f"the stack does not take a report: {answer}"
    (number,) = hazards(stack, "baseline #")["baseline #00"]

    def settled():
        pattern = mail_pattern(delivered(stack.mailbox), number)
        return pattern if pattern and time.monotonic() - settled.last_change > 3 else None

    settled.last_change = time.monotonic()
    seen = [0]

    def check():
        count = sum(mail_pattern(delivered(stack.mailbox), number).values())
        if count != seen[0]:
            seen[0], settled.last_change = count, time.monotonic()
        return settled()

    pattern = wait_until(check, timeout=30, what="the baseline report's e-mails", interval=0.5)
    assert set(pattern.values()) == {1}, f"a report with nothing broken e-mails twice: {pattern}"
    return pattern


@pytest.fixture
def fault_run(request, stack, phone, expected_mail):
    """A FaultRun named after the test; whatever the test broke is mended afterwards."""
    run = FaultRun(stack, phone, expected_mail, request.node.name.removeprefix("test_"))
    try:
        yield run
    finally:
        stack.heal()
        phone.settle()
