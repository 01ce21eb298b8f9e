"""``safeloop iot-broker-files DIR``: mosquitto's password file and ACL from the device table.

For a broker SafeLoop does not start (MQTT_URL): run it when devices change (a
cron or sidecar) and send mosquitto SIGHUP to reload. The bridge's account takes
its password from SAFELOOP_MQTT_BRIDGE_PASSWORD.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from safeloop.iot_bridge.broker import BRIDGE_USER, broker_files, device_accounts


class Command(BaseCommand):
    help = "Write mosquitto's passwd and acl files (each device may publish only its own topics)."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, *args, folder: Path, **options):
        password = os.environ.get("SAFELOOP_MQTT_BRIDGE_PASSWORD")
        if not password:
            raise CommandError("Set SAFELOOP_MQTT_BRIDGE_PASSWORD (the bridge's broker password).")
        accounts = device_accounts()
        passwd, acl = broker_files(accounts, {BRIDGE_USER: password})
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in (("passwd", passwd), ("acl", acl)):
            path = folder / name
            path.write_text(text)
            path.chmod(0o600)
        self.stdout.write(f"Wrote {folder}/passwd and {folder}/acl: {len(accounts)} device(s).")
