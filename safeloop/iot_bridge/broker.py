"""The MQTT broker: the configured one (MQTT_URL) or an embedded mosquitto.

With no MQTT_URL, ``safeloop run`` starts the machine's ``mosquitto`` (Debian
package ``mosquitto``) on 127.0.0.1:SAFELOOP_MQTT_PORT with its files in
``state/mosquitto``: no anonymous access, a password file and an ACL written
from the device table (each device may publish only to its own topics), the
bridge's account, and persistence, so a stopped bridge's queue survives a
broker restart. ``refresh`` rewrites the files when devices change and tells
mosquitto to reload them (SIGHUP).

``broker_config`` is also what tests and the benchmark run a broker of their own with.
"""

from __future__ import annotations

import getpass
import os
import secrets
import shutil
import signal
import subprocess
from pathlib import Path

from django.conf import settings
from django_tenants.utils import tenant_context

from safeloop.iot_bridge.services.devices import (
    mosquitto_hash,
    mqtt_username,
    topic_status,
    topic_up,
)
from safeloop.platform import iot_registry

BROKER_DIR = iot_registry.BROKER_DIR
BRIDGE_USER = "safeloop-bridge"
SIMULATOR_USER = "safeloop-simulator"  # the embedded broker only: `safeloop iot-simulate`


def mosquitto_binary() -> str | None:
    return shutil.which("mosquitto") or next(
        (p for p in ("/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto") if os.path.exists(p)), None
    )


def mqtt_url() -> str | None:
    """Where the bridge and the simulator connect: MQTT_URL, else the embedded broker."""
    if settings.MQTT_URL:
        return settings.MQTT_URL
    try:
        return (BROKER_DIR / "url").read_text().strip() or None
    except FileNotFoundError:
        return None


def device_accounts() -> list[tuple[str, str, list[str]]]:
    """(username, mosquitto hash, topics it may write) of every active device."""
    from safeloop.iot_bridge.models import Device

    accounts = []
    for enterprise in iot_registry.enterprises():
        with tenant_context(enterprise):
            for code, hashed in (
                Device.objects.filter(is_active=True)
                .exclude(mqtt_password_hash="")
                .values_list("code", "mqtt_password_hash")
            ):
                slug = enterprise.slug
                accounts.append(
                    (
                        mqtt_username(slug, code),
                        hashed,
                        [topic_up(slug, code), topic_status(slug, code)],
                    )
                )
    return accounts


def broker_files(
    accounts: list[tuple[str, str, list[str]]], services: dict[str, str]
) -> tuple[str, str]:
    """The password file and ACL: the services (bridge, simulator) and each device."""
    passwd = [f"{user}:{mosquitto_hash(password)}" for user, password in services.items()]
    acl = []
    if BRIDGE_USER in services:
        acl += [f"user {BRIDGE_USER}", "topic read safeloop/#", ""]
    if SIMULATOR_USER in services:
        acl += [
            f"user {SIMULATOR_USER}",
            "topic write safeloop/+/+/up",
            "topic write safeloop/+/+/status",
            "",
        ]
    for user, hashed, topics in accounts:
        passwd.append(f"{user}:{hashed}")
        acl += [f"user {user}", *(f"topic write {t}" for t in topics), ""]
    return "\n".join(passwd) + "\n", "\n".join(acl) + "\n"


def broker_config(folder: Path, port: int) -> str:
    return "\n".join(
        [
            f"listener {port} 127.0.0.1",
            # Started as root, mosquitto would switch to its own user, which cannot
            # read our private files; ignored when not root.
            f"user {getpass.getuser()}",
            "allow_anonymous false",
            f"password_file {folder / 'passwd'}",
            f"acl_file {folder / 'acl'}",
            "persistence true",
            f"persistence_location {folder / 'data'}/",
            "autosave_interval 1",
            # Hold a stopped bridge's messages (the default keeps 1,000, then drops).
            "max_queued_messages 2000000",
            # A bridge id gone for good: its session (and queue) is dropped after a week.
            "persistent_client_expiration 7d",
            "max_queued_bytes 0",
            "log_dest stdout",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "",
        ]
    )


def _secret(folder: Path, name: str) -> str:
    path = folder / f"{name}.secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    return path.read_text().strip()


class EmbeddedBroker:
    def __init__(self, folder: Path = BROKER_DIR, port: int | None = None):
        self.folder = folder
        self.port = port or settings.SAFELOOP_MQTT_PORT
        self.process: subprocess.Popen | None = None
        self._written = ("", "")

    @property
    def services(self) -> dict[str, str]:
        return {
            BRIDGE_USER: _secret(self.folder, "bridge"),
            SIMULATOR_USER: _secret(self.folder, "simulator"),
        }

    def url_for(self, user: str) -> str:
        return f"mqtt://{user}:{self.services[user]}@127.0.0.1:{self.port}"

    def start(self, log_file) -> subprocess.Popen:
        binary = mosquitto_binary()
        if binary is None:
            raise RuntimeError(
                "No MQTT_URL and no mosquitto on this machine: install the Debian package "
                "mosquitto (infra/system-deps.sh does) or set MQTT_URL."
            )
        (self.folder / "data").mkdir(parents=True, exist_ok=True)
        self.folder.chmod(0o700)
        self.refresh(reload=False)
        (self.folder / "mosquitto.conf").write_text(broker_config(self.folder, self.port))
        self.process = subprocess.Popen(
            [binary, "-c", str(self.folder / "mosquitto.conf")],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        (self.folder / "url").write_text(self.url_for(BRIDGE_USER))
        return self.process

    def refresh(self, *, reload: bool = True) -> bool:
        """Rewrite the password file and ACL if the devices changed; True when it did."""
        passwd, acl = broker_files(device_accounts(), self.services)
        # The hashes of the services are salted afresh each time: compare the devices' part.
        devices_part = (passwd.split("\n", len(self.services))[-1], acl)
        if devices_part == self._written:
            return False
        (self.folder / "passwd").write_text(passwd)
        (self.folder / "acl").write_text(acl)
        for name in ("passwd", "acl"):
            (self.folder / name).chmod(0o600)
        self._written = devices_part
        if reload and self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGHUP)
        return True

    def stop(self) -> None:
        (self.folder / "url").unlink(missing_ok=True)
