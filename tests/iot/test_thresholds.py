"""The threshold rule on its own: levels, hold time, dead band, going down and clearing."""

from datetime import UTC, datetime, timedelta

from safeloop.iot_bridge.services.thresholds import Limit, State, step

T0 = datetime(2026, 12, 6, 13, 22, tzinfo=UTC)
CHLORINE = (
    Limit(1, "high", 0.3, 0, 0.05),
    Limit(2, "high", 1.0, 0, 0.1),
    Limit(3, "high", 3.0, 0, 0.2),
)


def run(limits, values, seconds=1):
    state, levels = State(), []
    for i, value in enumerate(values):
        state = step(limits, value, T0 + timedelta(seconds=i * seconds), state)
        levels.append(state.level)
    return levels


def test_the_chlorine_curve_rises_through_the_three_levels_and_clears():
    assert run(CHLORINE, [0.1, 0.5, 1.8, 3.5, 0.2]) == [0, 1, 2, 3, 0]


def test_a_value_hovering_at_the_limit_keeps_one_level_not_a_storm():
    # 0.29–0.31 around the 0.3 limit: within the 0.05 dead band once raised.
    levels = run(CHLORINE, [0.31, 0.29, 0.31, 0.28, 0.30, 0.26, 0.24])
    assert levels == [1, 1, 1, 1, 1, 1, 0]


def test_the_level_goes_down_within_the_episode_before_it_clears():
    assert run(CHLORINE, [3.2, 2.5, 0.95, 0.9, 0.1]) == [3, 2, 2, 1, 0]


def test_a_short_spike_under_the_hold_time_raises_nothing():
    held = (Limit(1, "high", 0.3, hold_seconds=10),)
    assert run(held, [0.5, 0.5, 0.1], seconds=4) == [0, 0, 0]
    assert run(held, [0.5, 0.5, 0.5, 0.5], seconds=4) == [0, 0, 0, 1]


def test_a_lower_level_that_held_long_enough_is_raised_while_a_higher_one_waits():
    limits = (Limit(1, "high", 0.3, hold_seconds=5), Limit(2, "high", 1.0, hold_seconds=30))
    # 0.5 for 6 s, then 1.5: level 1 has held; level 2 has just begun.
    assert run(limits, [0.5, 1.5, 1.5], seconds=6) == [0, 1, 1]


def test_a_low_limit_alarms_below_it():
    oxygen = (Limit(1, "low", 19.5, 0, 0.3), Limit(2, "low", 18.0, 0, 0.3))
    assert run(oxygen, [20.9, 19.0, 17.5, 19.6, 20.0]) == [0, 1, 2, 1, 0]
