"""The threshold rule, without the database: which level a sensor's value is at.

A level is *breached* when the value is at or beyond its limit, and *held*
while an alarm at that level (or above) is open and the value has not come
back past the limit by the dead band. A breach raises its level only after
it has lasted the threshold's hold time. Going down is immediate (the dead
band already kept the noise out), and level 0 clears the episode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Limit:
    level: int
    direction: str  # "high" | "low"
    limit: float
    hold_seconds: int = 0
    dead_band: float = 0.0

    def breached(self, value: float) -> bool:
        return value >= self.limit if self.direction == "high" else value <= self.limit

    def held(self, value: float) -> bool:
        if self.direction == "high":
            return value > self.limit - self.dead_band
        return value < self.limit + self.dead_band


@dataclass(frozen=True)
class State:
    level: int = 0  # the open alarm's level; 0: none
    direction: str = ""
    pending_level: int = 0  # a breach above ``level`` waiting out its hold time
    pending_since: datetime | None = None


def target(limits: Sequence[Limit], value: float, state: State) -> tuple[int, str]:
    """The highest level ``value`` is at, counting the dead band of the open alarm."""
    best, direction = 0, ""
    for limit in limits:
        at_level = limit.breached(value) or (
            state.level
            and limit.direction == state.direction
            and limit.level <= state.level
            and limit.held(value)
        )
        if at_level and limit.level > best:
            best, direction = limit.level, limit.direction
    return best, direction


def step(limits: Sequence[Limit], value: float, ts: datetime, state: State) -> State:
    """The state after one reading (readings come in time order)."""
    level, direction = target(limits, value, state)
    if level <= state.level:
        return State(level=level, direction=direction if level else "")
    hold = {(lim.level, lim.direction): lim.hold_seconds for lim in limits}
    reached, reached_direction = state.level, state.direction
    # An earlier breach still going on may have lasted its own hold time by now.
    if (
        state.pending_since is not None
        and state.level < state.pending_level <= level
        and (ts - state.pending_since).total_seconds()
        >= hold.get((state.pending_level, direction), 0)
    ):
        reached, reached_direction = state.pending_level, direction
    # The breach of ``level`` began when the pending one did if it was as high, else now.
    continuing = state.pending_since is not None and state.pending_level >= level
    since = state.pending_since if continuing else ts
    if (ts - since).total_seconds() >= hold.get((level, direction), 0):
        return State(level=level, direction=direction)
    return State(
        level=reached,
        direction=reached_direction if reached else "",
        pending_level=level,
        pending_since=since,
    )
