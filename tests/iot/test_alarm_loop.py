"""A chlorine detector's readings through the bridge's checks and store (no broker here;
tests/iot/test_bridge_live.py runs the same through mosquitto and the bridge process)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from safeloop.iot_bridge.models import Alarm, AlarmState, Reading
from safeloop.iot_bridge.services.alarms import acknowledge
from safeloop.tenants.alerts.models import Notification
from safeloop.tenants.hazards.models import Hazard


def notices(level: int) -> list[Notification]:
    return list(Notification.objects.filter(event=f"iot.alarm_level{level}"))


def test_the_leak_curve_raises_one_episode_through_three_levels_and_clears(feed, detector):
    hazards_before = Hazard.objects.count()
    feed.curve("gd-101", [0.1, 0.5, 1.8, 3.5, 0.2])

    assert Reading.objects.filter(sensor__device=detector).count() == 5
    alarm = Alarm.objects.get(device=detector)
    assert [step["level"] for step in alarm.history] == [1, 2, 3, 0]
    assert alarm.state == AlarmState.CLEARED and alarm.peak_level == 3 and alarm.peak_value == 3.5
    # Level 1: the area's people (Ma works in W1-A; Li, Zhang, Liu and Qian in its
    # workshop), in the inbox only, with the guidance.
    level1 = notices(1)
    assert {n.recipient.email for n in level1} == {
        "ma@acme.test",
        "li@acme.test",
        "zhang@acme.test",
        "liu@acme.test",
        "qian@acme.test",
    }
    assert {n.channel for n in level1} == {"inbox"}
    assert "防毒面具" in level1[0].body  # the guidance: respirator, check for the leak
    # Level 2: the emergency group; level 3: the leaders. Each once.
    assert {"sun@acme.test", "liu@acme.test"} <= {
        n.recipient.email for n in notices(2) if n.recipient
    }
    assert {"he@acme.test", "zhou@acme.test"} <= {
        n.recipient.email for n in notices(3) if n.recipient
    }
    for level in (1, 2, 3):
        keys = [(n.recipient_id, n.robot_id, n.channel) for n in notices(level)]
        assert len(keys) == len(set(keys))
    # One hazard, opened at level 2, still open after the alarm cleared.
    assert Hazard.objects.count() == hazards_before + 1
    assert alarm.hazard.grade == "serious" and alarm.hazard.area_id == detector.area_id
    assert alarm.hazard.state != "closed"
    assert alarm.hazard.assignee_id is not None  # routed by the rules like any report
    # Its photo is the curve up to the moment it opened, limits drawn.
    photo = alarm.hazard.photos.get()
    assert photo.width == 1200 and photo.image.size > 10_000


def test_a_message_delivered_twice_is_stored_and_judged_once(feed, detector):
    feed.send("gd-101", 1.5, second=1)
    again = feed.send("gd-101", 1.5, second=1)
    assert again.readings == 0 and again.duplicates == 1
    assert Reading.objects.filter(sensor__device=detector).count() == 1
    assert Alarm.objects.filter(device=detector).count() == 1
    keys = [(n.recipient_id, n.robot_id, n.channel) for n in notices(2)]
    assert len(keys) == len(set(keys)) > 0


def test_the_level_going_back_up_in_one_episode_tells_nobody_twice(feed, detector):
    feed.curve("gd-101", [1.5, 0.5, 1.5, 0.5, 1.5])
    alarm = Alarm.objects.get(device=detector)
    assert [s["level"] for s in alarm.history] == [2, 1, 2, 1, 2]
    assert alarm.notified_levels == [1, 2]
    assert Hazard.objects.filter(alarms=alarm).count() == 1
    assert len(notices(2)) == len({(n.recipient_id, n.robot_id, n.channel) for n in notices(2)})


def test_each_bad_message_is_dropped_and_counted_by_reason(feed, detector):
    feed.send("gd-101", 99.0)  # beyond the 0–20 ppm range
    feed.send("gd-101", "high")
    feed.send("gd-101", 0.4, raw=b"{not json")
    feed.send("gd-101", 0.4, raw=b'{"ts": 1}')
    feed.send("gd-101", 0.4, ts="2020-01-01T00:00:00+00:00")
    feed.send("gd-101", 0.4, ts="2099-01-01T00:00:00+00:00")
    feed.send("gd-101", 0.4, metric="h2s_ppm")
    feed.send("nobody", 0.4)
    feed.send("gd-101", 0.4, topic="safeloop/no-such-works/gd-101/up")
    feed.send("gd-101", 0.4, topic="factory/gd-101")
    assert feed.dropped() == {
        "out_of_range": 1,
        "bad_payload": 2,
        "bad_json": 1,
        "stale": 1,
        "future": 1,
        "unknown_metric": 1,
        "unknown_device": 1,
        "unknown_tenant": 1,
        "bad_topic": 1,
    }
    assert Reading.objects.filter(sensor__device=detector).count() == 0


def test_the_last_will_opens_an_offline_alarm_and_the_next_reading_clears_it(feed, detector):
    feed.status("gd-101", "offline")
    alarm = Alarm.objects.get(device=detector, kind="offline")
    assert alarm.is_open
    detector.refresh_from_db()
    assert detector.online is False
    feed.send("gd-101", 0.1)
    alarm.refresh_from_db()
    detector.refresh_from_db()
    assert not alarm.is_open and detector.online is True


def test_acknowledging_is_for_the_people_on_duty_and_happens_once(feed, detector, li, zhang):
    feed.send("gd-101", 1.5)
    alarm = Alarm.objects.get(device=detector)
    with pytest.raises(PermissionDenied):
        acknowledge(alarm, by=zhang)  # an operator sees the board but does not acknowledge
    acknowledged = acknowledge(alarm, by=li)
    assert acknowledged.state == AlarmState.ACKNOWLEDGED and acknowledged.acknowledged_by == li
    with pytest.raises(ValidationError) as refused:
        acknowledge(alarm, by=li)
    assert refused.value.error_dict["alarm"][0].code == "already"


def test_an_alarm_left_untold_by_a_crash_is_told_by_beats_chores(feed, detector, monkeypatch):
    from safeloop.iot_bridge.services import alarms
    from safeloop.iot_bridge.services.housekeeping import respond_pending

    def crash(alarm_id):
        raise RuntimeError("the bridge died after the commit")

    with monkeypatch.context() as patched:
        patched.setattr(alarms, "respond", crash)
        feed.curve("gd-101", [1.5, 3.5])  # stored; nobody told, no hazard
    alarm = Alarm.objects.get(device=detector)
    assert alarm.notified_levels == [] and alarm.hazard is None
    assert Reading.objects.filter(sensor__device=detector).count() == 2

    assert respond_pending() == 1
    alarm.refresh_from_db()
    assert alarm.notified_levels == [1, 2, 3] and alarm.hazard is not None
    assert notices(3) and respond_pending() == 0  # once


def _alarm_trail(alarm: Alarm) -> list[tuple[str, dict]]:
    from safeloop.tenants.audit.models import AuditEvent

    events = AuditEvent.objects.filter(object_type="iot.alarm", object_id=str(alarm.pk))
    return [(e.verb, e.data) for e in events.order_by("id")]


def test_every_moment_of_an_episode_is_in_the_audit_trail_once_with_its_own_time(feed, detector):
    from safeloop.iot_bridge.services.alarms import audit_moments

    feed.curve("gd-101", [0.1, 0.5, 1.8, 3.5, 0.2])
    alarm = Alarm.objects.get(device=detector)

    trail = [
        (verb, data) for verb, data in _alarm_trail(alarm) if verb != "iot.alarm_hazard_opened"
    ]
    assert [(verb, data.get("level"), data["at"]) for verb, data in trail] == [
        ("iot.alarm_raised", 1, alarm.history[0]["at"]),
        ("iot.alarm_level", 2, alarm.history[1]["at"]),
        ("iot.alarm_level", 3, alarm.history[2]["at"]),
        ("iot.alarm_cleared", None, alarm.history[3]["at"]),
    ]
    assert [data["value"] for _verb, data in trail] == [0.5, 1.8, 3.5, 0.2]
    assert audit_moments(alarm.pk) == 0  # a redelivered task writes nothing again
    assert len(_alarm_trail(alarm)) == 5


def test_moments_a_crash_kept_out_of_the_trail_are_written_by_beats_chores(
    feed, detector, monkeypatch
):
    from safeloop.iot_bridge.services import alarms
    from safeloop.iot_bridge.services.housekeeping import audit_pending

    def crash(alarm_id):
        raise RuntimeError("the worker died after the bridge's commit")

    with monkeypatch.context() as patched:
        patched.setattr(alarms, "audit_moments", crash)
        feed.curve("gd-101", [1.5, 0.2])
    alarm = Alarm.objects.get(device=detector)
    # The episode and its hazard are there; of its moments the trail has none yet.
    assert [verb for verb, _data in _alarm_trail(alarm)] == ["iot.alarm_hazard_opened"]

    assert audit_pending() == 2
    verbs = [verb for verb, _data in _alarm_trail(alarm) if verb != "iot.alarm_hazard_opened"]
    assert verbs == ["iot.alarm_raised", "iot.alarm_cleared"]
    assert audit_pending() == 0
