"""Beat's chores for the sensors: retention and devices gone silent without a last will."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from safeloop.iot_bridge.models import Alarm, Device, Reading, Sensor
from safeloop.iot_bridge.services.housekeeping import flag_silent_devices, purge_readings


def test_readings_past_the_retention_go_and_the_rest_stay(detector, settings):
    settings.SAFELOOP_IOT_RETENTION_DAYS = 30
    sensor = Sensor.objects.get(device=detector)
    now = timezone.now()
    Reading.objects.bulk_create(
        [Reading(sensor=sensor, ts=now - timedelta(days=d), value=0.1) for d in range(0, 60)]
    )
    assert purge_readings(now, batch=7) == 29  # days 31..59, several batches
    assert Reading.objects.filter(sensor=sensor).count() == 31


def test_a_device_silent_for_ten_minutes_is_offline_with_an_alarm(feed, detector):
    feed.send("gd-101", 0.1, ts=timezone.now().isoformat())
    assert flag_silent_devices(timezone.now()) == 0
    later = timezone.now() + timedelta(minutes=11)
    assert flag_silent_devices(later) == 1
    assert Device.objects.get(pk=detector.pk).online is False
    assert Alarm.objects.get(device=detector, kind="offline").is_open
    assert flag_silent_devices(later) == 0  # once
