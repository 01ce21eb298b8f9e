"""The loop through real parts: a device publishing to mosquitto, the bridge process
storing into the tenant's schema, alarms, notices and the hazard.

Each test has committed enterprises of its own (the bridge is another process: it
sees only committed rows), a mosquitto of its own on a free port, configured as
the embedded default is (passwords and ACLs from the device table), and
``safeloop iot-bridge`` on the test database.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from safeloop.iot_bridge.models import Alarm, Reading
from safeloop.tenants.alerts.models import Notification
from tests.iot.conftest import register_detector
from tests.support.committed import committed, throwaway_enterprise
from tests.support.mqtt import Device, running_broker, start_bridge, wait_connected
from tests.support.worker import database_url, stop_process

pytestmark = pytest.mark.django_db


def until(check: Callable, timeout: float = 20, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(every)


def _detector(enterprise, code="gd-101"):
    def register():
        from django.contrib.auth import get_user_model

        from safeloop.tenants.facilities.models import Area

        admin = get_user_model().objects.get(email=f"admin@{enterprise.slug}.test")
        areas = Area.objects.order_by("code")
        area = areas.filter(parent__isnull=False).first() or areas.first()
        return register_detector(admin, area, code=code)

    return committed(register, enterprise)


@pytest.fixture
def bridge(tmp_path, django_db_blocker):
    """A factory: (broker, started bridge) once the enterprises and devices exist."""
    started = []

    def start(client_id: str = "bridge-test"):
        broker_cm = running_broker(tmp_path / f"broker-{len(started)}")
        broker = broker_cm.__enter__()
        proc = start_bridge(database_url(connection.settings_dict), broker, client_id)
        started.append((broker_cm, proc))
        wait_connected(proc)
        return broker, proc

    yield start
    for broker_cm, proc in started:
        stop_process(proc, django_db_blocker)
        broker_cm.__exit__(None, None, None)


def test_a_chlorine_leak_through_broker_and_bridge_raises_three_levels_once_and_clears(bridge):
    with throwaway_enterprise() as works:
        device, credentials = _detector(works)
        broker, _proc = bridge()
        gd101 = Device(broker.port, credentials.username, credentials.password)
        start = timezone.now() - timedelta(seconds=60)

        def level_now():
            alarm = committed(lambda: Alarm.objects.filter(device_id=device.pk).first(), works)
            return alarm.level if alarm and alarm.is_open else 0

        def hazard_grade():
            alarm = committed(
                lambda: Alarm.objects.select_related("hazard").filter(device_id=device.pk).first(),
                works,
            )
            return alarm.hazard.grade if alarm and alarm.hazard else None

        def alarm_areas():
            from safeloop.iot_bridge.selectors import alarm_areas

            return committed(alarm_areas, works)

        for i, ppm in enumerate([0.1, 0.5, 1.8, 3.5]):
            ts = (start + timedelta(seconds=5 * i)).isoformat()
            gd101.publish(credentials.topic, {"ts": ts, "values": {"cl2_ppm": ppm}})
            expected = [0, 1, 2, 3][i]
            assert until(lambda e=expected: level_now() == e), f"level {expected} after {ppm} ppm"
            if expected == 2:
                # The worker opens the hazard at the level the episode has reached by
                # then: here, level 2, before the leak climbs on.
                assert until(lambda: hazard_grade() is not None), "no hazard at level 2"
        # The zone of the detector's area is in alarm at level 3 (the map's alarm colour).
        assert alarm_areas() == {device.area_id: 3}
        ts = (start + timedelta(seconds=25)).isoformat()
        gd101.publish(credentials.topic, {"ts": ts, "values": {"cl2_ppm": 0.2}})
        assert until(lambda: level_now() == 0)
        assert alarm_areas() == {}

        def outcome():
            alarm = Alarm.objects.select_related("hazard").get(device_id=device.pk)
            notes = list(Notification.objects.filter(event__startswith="iot.alarm_level"))
            return alarm, notes, Reading.objects.filter(sensor__device_id=device.pk).count()

        alarm, notes, readings = committed(outcome, works)
        gd101.close()
    assert readings == 5
    assert [step["level"] for step in alarm.history] == [1, 2, 3, 0]
    assert alarm.notified_levels == [1, 2, 3]
    for level in (1, 2, 3):
        mine = [
            (n.recipient_id, n.robot_id, n.channel) for n in notes if n.event.endswith(str(level))
        ]
        assert mine, f"nobody told at level {level}"
        assert len(mine) == len(set(mine)), f"someone told twice at level {level}"
    assert alarm.hazard is not None and alarm.hazard.grade == "serious"
    assert alarm.hazard.state != "closed"  # clearing the alarm does not close the hazard


def test_a_device_cannot_publish_under_another_enterprise_and_nothing_lands_there(bridge):
    with throwaway_enterprise() as a, throwaway_enterprise() as b:
        device_a, cred_a = _detector(a, code="gd-a")
        device_b, cred_b = _detector(b, code="gd-b")
        broker, _proc = bridge("bridge-isolation")
        forger = Device(broker.port, cred_a.username, cred_a.password)
        owner = Device(broker.port, cred_b.username, cred_b.password)
        now = timezone.now().isoformat()
        forged = forger.publish(cred_b.topic, {"ts": now, "values": {"cl2_ppm": 9.9}})
        also_forged = forger.publish(
            f"safeloop/{b.slug}/gd-a/up", {"ts": now, "values": {"cl2_ppm": 9.9}}
        )
        genuine = owner.publish(cred_b.topic, {"ts": now, "values": {"cl2_ppm": 0.1}})
        mine = forger.publish(cred_a.topic, {"ts": now, "values": {"cl2_ppm": 0.2}})
        stored_b = until(
            lambda: committed(lambda: list(Reading.objects.values_list("value", flat=True)), b)
        )
        stored_a = until(
            lambda: committed(lambda: list(Reading.objects.values_list("value", flat=True)), a)
        )
        time.sleep(0.5)  # a forged message would have landed by now too
        stored_b = committed(lambda: list(Reading.objects.values_list("value", flat=True)), b)
        forger.close()
        owner.close()
    # The broker refused both forged publishes (MQTT 5 PUBACK "not authorized").
    assert forged.mid in forger.refused and also_forged.mid in forger.refused
    assert genuine.mid not in owner.refused and mine.mid not in forger.refused
    assert stored_b == [0.1]
    assert stored_a == [0.2]


def test_readings_sent_while_the_bridge_is_killed_or_the_broker_restarts_are_stored_once(bridge):
    with throwaway_enterprise() as works:
        device, credentials = _detector(works)
        broker, proc = bridge("bridge-restart")
        gd101 = Device(broker.port, credentials.username, credentials.password)
        start = timezone.now() - timedelta(minutes=30)

        def send(first: int, count: int, device: Device = gd101) -> None:
            sent = []
            for i in range(first, first + count):
                ts = (start + timedelta(milliseconds=100 * i)).isoformat()
                body = {"ts": ts, "values": {"cl2_ppm": 0.01}}
                sent.append(device.publish(credentials.topic, body, wait=False))
            for info in sent:  # the broker has them all (PUBACK)
                info.wait_for_publish(timeout=30)

        def stored() -> int:
            return committed(lambda: Reading.objects.count(), works)

        # Killed (no goodbye) while the batches go in; the device goes on sending.
        sender = threading.Thread(target=send, args=(0, 4000))
        sender.start()
        assert until(lambda: stored() > 0, timeout=30, every=0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed_at = stored()
        sender.join(timeout=60)
        again = start_bridge(_db_url(), broker, "bridge-restart")
        wait_connected(again)
        try:
            assert until(lambda: stored() == 4000, timeout=60), f"{stored()} of 4000 stored"
            time.sleep(1)
            total = stored()
            gd101.close()
            # The broker restarts; the device is back and sending before the bridge
            # (paho waits a second before reconnecting). A plain subscription of the
            # bridge's persistent session is restored from mosquitto's persistence and
            # queues them; a $share one is not (mosquitto 2.0.11) and they would be lost.
            broker.restart()
            back = Device(broker.port, credentials.username, credentials.password)
            send(4000, 500, back)
            back.close()
            until(lambda: stored() == 4500, timeout=30)
            time.sleep(1)
            after_restart = stored()
        finally:
            again.terminate()
            again.wait(timeout=20)
    assert 0 < killed_at < 4000, "the bridge had stored them all before it was killed"
    assert total == 4000
    assert after_restart == 4500, f"{4500 - after_restart} readings lost to the broker's restart"


def _db_url() -> str:
    return database_url(connection.settings_dict)
