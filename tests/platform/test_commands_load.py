"""Every SafeLoop management command loads: `./dev start` is `safeloop run`, and a
broken import there left the one-command start dead while every other test passed."""

from __future__ import annotations

import pytest
from django.core.management import get_commands, load_command_class

OURS = sorted(name for name, app in get_commands().items() if app.startswith("safeloop"))


def test_the_start_and_stop_commands_are_among_ours():
    assert {"run", "demo", "verify_audit"} <= set(OURS)


@pytest.mark.parametrize("name", OURS)
def test_command_loads(name):
    command = load_command_class(get_commands()[name], name)
    assert command.help or command.__doc__
