"""``safeloop iot-simulate``: the enterprise's devices publish simulated readings."""

from __future__ import annotations

import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import tenant_context

from safeloop.iot_bridge import simulator
from safeloop.iot_bridge.broker import BROKER_DIR, SIMULATOR_USER, EmbeddedBroker
from safeloop.iot_bridge.models import Device
from safeloop.platform.iot_registry import enterprise_for


def simulated_devices(slug: str, codes: list[str] | None = None) -> list:
    enterprise = enterprise_for(slug)
    if enterprise is None:
        raise CommandError(f"No enterprise {slug!r}.")
    devices = []
    with tenant_context(enterprise):
        query = Device.objects.filter(is_active=True).prefetch_related("sensors__thresholds")
        if codes:
            query = query.filter(code__in=codes)
        for device in query:
            sensors = []
            for sensor in device.sensors.all():
                limits = {
                    t.level: t.limit for t in sensor.thresholds.all() if t.direction == "high"
                }
                first = limits.get(1, sensor.range_min + (sensor.range_max - sensor.range_min) / 10)
                sensors.append(
                    simulator.SimulatedSensor(
                        metric=sensor.metric,
                        baseline=max(sensor.range_min, first * 0.25),
                        noise=first * 0.04,
                        level3=limits.get(3, first * 3),
                    )
                )
            devices.append(simulator.SimulatedDevice(slug, device.code, sensors))
    return devices


class Command(BaseCommand):
    help = "Publish simulated readings for an enterprise's devices (a scripted leak on one)."

    def add_arguments(self, parser):
        parser.add_argument("--enterprise", default="demo", help="its sub-domain (default: demo)")
        parser.add_argument("--device", action="append", help="only these device codes")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between readings")
        parser.add_argument(
            "--leak",
            metavar="CODE",
            help="this device plays the leak curve (level 1, 2, 3, then clear) first",
        )
        parser.add_argument("--leak-steps", type=int, default=2, help="readings per stage")
        parser.add_argument("--duration", type=float, help="stop after this many seconds")

    def handle(self, *args, enterprise, device, interval, leak, leak_steps, duration, **options):
        devices = simulated_devices(enterprise, device)
        if not devices:
            raise CommandError(f"{enterprise} has no active devices to simulate.")
        url = settings.MQTT_URL or EmbeddedBroker().url_for(SIMULATOR_USER)
        self.stdout.write(
            f"Simulating {len(devices)} device(s) of {enterprise} every {interval:g} s"
            + (f", a leak on {leak}" if leak else "")
            + " (Ctrl-C stops)."
        )
        self.stdout.flush()

        def stop(*_args):
            raise KeyboardInterrupt  # a clean disconnect: stopping is not a device going offline

        signal.signal(signal.SIGTERM, stop)
        try:
            sent = simulator.run(
                url,
                devices,
                interval=interval,
                leak=leak,
                leak_steps=leak_steps,
                duration=duration,
                locks=simulator.LeakLocks(BROKER_DIR),
            )
        except KeyboardInterrupt:
            return
        self.stdout.write(f"Sent {sent} readings.")
