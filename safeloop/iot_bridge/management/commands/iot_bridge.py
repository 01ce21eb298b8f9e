"""``safeloop iot-bridge``: run one MQTT bridge (start several; they share the load)."""

from __future__ import annotations

import logging
import os
import socket

from django.core.management.base import BaseCommand, CommandError

from safeloop.iot_bridge.bridge import run_bridge
from safeloop.iot_bridge.broker import mqtt_url


class Command(BaseCommand):
    help = "Subscribe to the devices' topics and store readings, thresholds and alarms."
    # A restarted bridge is back within a second: the system checks (URLconfs and all)
    # took a third of its start and check nothing it uses.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--client-id",
            default=os.environ.get("SAFELOOP_BRIDGE_ID")
            or f"safeloop-bridge-{socket.gethostname()}",
            help="keep it the same across restarts: the broker keeps this id's queue",
        )
        parser.add_argument(
            "--group",
            help="join this $share group to split the load with other bridges (mosquitto "
            "2.0 does not restore shared subscriptions after its own restart: see README)",
        )
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--max-wait-ms", type=int, default=20)
        parser.add_argument(
            "--retire",
            action="store_true",
            help="for good: store this id's queued messages, end its session, exit",
        )

    def handle(self, *args, client_id, group, batch_size, max_wait_ms, retire, **options):
        url = mqtt_url()
        if not url:
            raise CommandError(
                "No MQTT broker: set MQTT_URL, or run ./dev start, which starts the embedded one."
            )
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        run_bridge(
            url,
            client_id=client_id,
            group=group,
            batch_size=batch_size,
            max_wait=max_wait_ms / 1000,
            retire=retire,
        )
