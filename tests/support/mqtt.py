"""A real MQTT broker and bridge for tests and the IoT benchmark.

``Broker`` runs the machine's mosquitto on a free port with the configuration
the embedded default uses (no anonymous access, password file and ACL from the
device table, persistence). ``bridge_process`` runs ``safeloop iot-bridge`` on
the pytest test database (or any DATABASE_URL). ``Device`` publishes as a
device does: its own username and password, QoS 1.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import paho.mqtt.client as mqtt

from safeloop.iot_bridge.broker import (
    BRIDGE_USER,
    broker_config,
    broker_files,
    device_accounts,
    mosquitto_binary,
)
from tests.support.committed import committed
from tests.support.server import ARTIFACTS, free_port

REPO = Path(__file__).resolve().parents[2]
BRIDGE_PASSWORD = "bridge-test-password"


def _wait_port(port: int, up: bool = True, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.2)
            is_up = sock.connect_ex(("127.0.0.1", port)) == 0
        if is_up == up:
            return
        time.sleep(0.05)
    raise RuntimeError(f"mosquitto on {port} did not {'start' if up else 'stop'}")


class Broker:
    def __init__(self, folder: Path, port: int | None = None, accounts=None):
        self.folder = folder
        self.port = port or free_port()
        # On a connection of its own: reading every enterprise's devices in the test's
        # transaction would hold locks that keep their schemas from being dropped.
        self.accounts = accounts or (lambda: committed(device_accounts))
        self.process: subprocess.Popen | None = None
        (folder / "data").mkdir(parents=True, exist_ok=True)
        (folder / "mosquitto.conf").write_text(broker_config(folder, self.port))
        self.log_path = ARTIFACTS / f"mosquitto-{self.port}.log"
        self.log_path.parent.mkdir(exist_ok=True)

    @property
    def bridge_url(self) -> str:
        return f"mqtt://{BRIDGE_USER}:{BRIDGE_PASSWORD}@127.0.0.1:{self.port}"

    def write_files(self) -> None:
        passwd, acl = broker_files(self.accounts(), {BRIDGE_USER: BRIDGE_PASSWORD})
        (self.folder / "passwd").write_text(passwd)
        (self.folder / "acl").write_text(acl)

    def start(self) -> Broker:
        self.write_files()
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [mosquitto_binary(), "-c", str(self.folder / "mosquitto.conf")],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait_port(self.port)
        return self

    def refresh(self) -> None:
        """New devices: rewrite the files and have mosquitto reload them (SIGHUP)."""
        self.write_files()
        self.process.send_signal(signal.SIGHUP)
        time.sleep(0.3)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        _wait_port(self.port, up=False)

    def restart(self) -> None:
        self.stop()
        self.start()


@contextlib.contextmanager
def running_broker(folder: Path, **options):
    broker = Broker(folder, **options).start()
    try:
        yield broker
    finally:
        broker.stop()


def bridge_env(database_url: str, broker: Broker, extra: dict | None = None) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "MQTT_URL": broker.bridge_url,
        "DJANGO_SETTINGS_MODULE": "safeloop.platform.settings",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "PYTHONUNBUFFERED": "1",
        **(extra or {}),
    }


def start_bridge(
    database_url: str, broker: Broker, client_id: str, *args: str, extra_env: dict | None = None
) -> subprocess.Popen:
    path = ARTIFACTS / f"bridge-{client_id}.log"
    log = path.open("a")
    offset = path.stat().st_size  # wait_connected reads what this process writes
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "manage.py"), "iot_bridge", "--client-id", client_id, *args],
        env=bridge_env(database_url, broker, extra_env),
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=REPO,
    )
    proc.log_path, proc.log_offset, proc.client_id = path, offset, client_id
    return proc


def wait_connected(proc: subprocess.Popen, timeout: float = 60) -> None:
    """Until the bridge's log says it has subscribed (Django and paho loaded)."""
    deadline = time.monotonic() + timeout
    path, client_id = proc.log_path, proc.client_id
    while time.monotonic() < deadline:
        with path.open("rb") as log:
            log.seek(proc.log_offset)
            written = log.read().decode(errors="replace")
        if f"Bridge {client_id} connected" in written:
            time.sleep(0.2)  # the SUBSCRIBE is on its way
            return
        time.sleep(0.1)
        if proc.poll() is not None:
            break
    raise RuntimeError(f"bridge {client_id} did not connect; see {path}")


class Device:
    """A device publishing as devices do: its own account, QoS 1, MQTT 5."""

    def __init__(
        self,
        port: int,
        username: str,
        password: str,
        client_id: str | None = None,
        *,
        ca: str | None = None,
    ):
        self.client = mqtt.Client(
            callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
            client_id=client_id or username,
            protocol=mqtt.MQTTv5,
        )
        if ca:  # a TLS listener: check its certificate against this CA
            self.client.tls_set(ca_certs=ca, cert_reqs=ssl.CERT_REQUIRED)
        self.client.username_pw_set(username, password)
        self.refused: list[int] = []
        self.client.on_publish = self._on_publish
        self.client.connect("127.0.0.1", port, keepalive=30)
        self.client.loop_start()
        deadline = time.monotonic() + 10
        while not self.client.is_connected():
            if time.monotonic() > deadline:
                raise RuntimeError(f"{username} could not connect")
            time.sleep(0.02)

    def _on_publish(self, client, userdata, mid, reason_code, properties) -> None:
        if reason_code.is_failure:
            self.refused.append(mid)

    def publish(self, topic: str, body, *, wait: bool = True) -> mqtt.MQTTMessageInfo:
        payload = body if isinstance(body, bytes) else json.dumps(body).encode()
        info = self.client.publish(topic, payload, qos=1)
        if wait:
            info.wait_for_publish(timeout=10)
        return info

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
