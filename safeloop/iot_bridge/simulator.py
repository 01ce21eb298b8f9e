"""Simulated devices for the demo and the benchmark: ``safeloop iot-simulate``.

Each simulated device is an MQTT client of its own (its last will says
"offline" on its status topic) that publishes a reading every ``interval``
seconds: a quiet baseline with noise, or a scripted leak curve. On the embedded
broker the simulator signs in with its own account (it may write to the devices'
topics); with MQTT_URL it uses that URL's account.
"""

from __future__ import annotations

import json
import os
import random
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import paho.mqtt.client as mqtt

from safeloop.iot_bridge.bridge import broker_address, make_client

# The seed article's chlorine leak: 0.1 → 0.5 → 1.8 → 3.5 → 0.2 ppm, as a share of
# the third level, so it fits whatever metric a device has.
LEAK_SHAPE = (0.03, 0.17, 0.6, 1.17, 0.07)


@dataclass(frozen=True)
class SimulatedSensor:
    metric: str
    baseline: float
    noise: float
    level3: float  # the leak curve peaks a little above this


@dataclass(frozen=True)
class SimulatedDevice:
    slug: str
    code: str
    sensors: Sequence[SimulatedSensor]

    @property
    def topic(self) -> str:
        return f"safeloop/{self.slug}/{self.code}/up"

    @property
    def status_topic(self) -> str:
        return f"safeloop/{self.slug}/{self.code}/status"


def leak_curve(sensor: SimulatedSensor, steps_per_stage: int = 1) -> Iterator[float]:
    for share in LEAK_SHAPE:
        for _ in range(steps_per_stage):
            yield round(sensor.level3 * share, 3)


def baseline(sensor: SimulatedSensor, rng: random.Random) -> float:
    return round(max(0.0, sensor.baseline + rng.gauss(0, sensor.noise)), 3)


def connect(url: str, device: SimulatedDevice) -> mqtt.Client:
    address = broker_address(url)
    client = make_client(address, f"sim-{device.slug}-{device.code}-{os.getpid()}")
    client.will_set(device.status_topic, b"offline", qos=1, retain=False)
    client.connect(address.host, address.port, keepalive=15)
    client.loop_start()
    deadline = time.monotonic() + 10
    while not client.is_connected():
        if time.monotonic() > deadline:
            raise RuntimeError(f"simulator could not connect to {address.host}:{address.port}")
        time.sleep(0.02)
    client.publish(device.status_topic, b"online", qos=1)
    return client


def body(values: dict[str, float], at: datetime | None = None) -> bytes:
    moment = (at or datetime.now(UTC)).isoformat(timespec="milliseconds")
    return json.dumps({"ts": moment, "values": values}).encode()


class LeakLocks:
    """On one machine (``./dev start``'s detectors and a ``--leak`` run beside them), the
    baseline skips a device while another simulator plays its leak: one device, one curve."""

    FRESH_SECONDS = 30

    def __init__(self, folder: Path | None):
        self.folder = folder

    def _path(self, device: SimulatedDevice) -> Path | None:
        return self.folder / f"leak-{device.slug}-{device.code}" if self.folder else None

    def hold(self, device: SimulatedDevice) -> None:
        if (path := self._path(device)) is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()

    def release(self, device: SimulatedDevice) -> None:
        if (path := self._path(device)) is not None:
            path.unlink(missing_ok=True)

    def held_elsewhere(self, device: SimulatedDevice) -> bool:
        path = self._path(device)
        try:
            return path is not None and time.time() - path.stat().st_mtime < self.FRESH_SECONDS
        except FileNotFoundError:
            return False


def run(
    url: str,
    devices: Sequence[SimulatedDevice],
    *,
    interval: float = 5.0,
    leak: str | None = None,
    leak_steps: int = 2,
    duration: float | None = None,
    stop: threading.Event | None = None,
    seed: int = 17,
    locks: LeakLocks | None = None,
) -> int:
    """Publish until ``duration`` is over or ``stop`` is set; the number of readings sent."""
    rng = random.Random(seed)
    stop = stop or threading.Event()
    clients = {d.code: connect(url, d) for d in devices}
    curves = {
        d.code: {s.metric: leak_curve(s, leak_steps) for s in d.sensors}
        for d in devices
        if d.code == leak
    }
    locks = locks or LeakLocks(None)
    sent = 0
    started = time.monotonic()
    try:
        while not stop.is_set() and (duration is None or time.monotonic() - started < duration):
            for device in devices:
                if device.code in curves:
                    locks.hold(device)
                elif locks.held_elsewhere(device):
                    continue
                values = {}
                for sensor in device.sensors:
                    curve = curves.get(device.code, {}).get(sensor.metric)
                    value = next(curve, None) if curve is not None else None
                    values[sensor.metric] = value if value is not None else baseline(sensor, rng)
                clients[device.code].publish(device.topic, body(values), qos=1)
                sent += 1
            stop.wait(interval)
    finally:
        for device in devices:
            if device.code in curves:
                locks.release(device)
        for client in clients.values():
            client.disconnect()  # a clean goodbye: no last will, the device just stops
        deadline = time.monotonic() + 3
        # The DISCONNECT must reach the broker before the network threads stop, or the
        # broker sees a dropped connection and publishes the last will ("offline").
        while any(c.is_connected() for c in clients.values()) and time.monotonic() < deadline:
            time.sleep(0.02)
        for client in clients.values():
            client.loop_stop()
    return sent
