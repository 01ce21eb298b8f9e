"""The MQTT bridge process (``safeloop iot-bridge``): broker → checks → the tenant's schema.

* paho-mqtt 2.x, QoS 1, a persistent session (fixed client id, MQTT 3.1.1
  ``clean_session=False``; the broker expires it after ``persistent_client_expiration``)
  and ``manual_ack``: a message is
  acknowledged only after the transaction holding it has committed, so a
  bridge killed mid-batch gets it again from the broker, and (sensor, ts)
  being unique stores it once.
* A plain subscription by default; ``group`` joins ``$share/<group>/…`` so several
  bridges split the messages. Measured on mosquitto 2.0.11: a broker restart restores
  a persistent session's plain subscriptions but not its shared ones, so what devices
  publish between the restart and the bridge's resubscribe is lost to a shared group
  (nothing is lost to a plain subscription). One bridge keeps 5,000+ readings/s.
* New alarms are handed to Celery (``respond_to_alarms``) by a sender thread: notices,
  hazards, curve pictures and the audit trail's entries for each moment of an episode
  run in a worker, never in the bridge's interpreter nor under its locks (the trail's
  lock is held by whoever files a hazard), and a Redis outage holds no batch (beat
  re-drives whatever was not sent).
* ``on_message`` only queues; the writer (the main thread) takes batches of up
  to ``batch_size`` messages or ``max_wait`` seconds, stores each enterprise's
  part in one transaction and then acknowledges. PostgreSQL unavailable: the
  batch is retried with back-off, never dropped or acknowledged.
* paho reconnects to the broker by itself with back-off (1 s doubling to 30 s).
"""

from __future__ import annotations

import gc
import logging
import queue
import signal
import ssl
import threading
import time
import urllib.parse
from collections import defaultdict
from dataclasses import dataclass

import paho.mqtt.client as mqtt
from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
)
from django.utils import timezone

from safeloop.iot_bridge.services import ingest

log = logging.getLogger("safeloop.iot_bridge")

TOPICS = ("safeloop/+/+/up", "safeloop/+/+/status")
RETIRE_IDLE_SECONDS = 3.0
# A batch whose first message waited longer than this before its commit is logged, with
# where the time went (queue, parse and store, commit): alarms must not wait.
SLOW_BATCH_SECONDS = 0.1


# (connection generation, monotonic time of arrival, message)
Inbound = tuple[int, float, mqtt.MQTTMessage]


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None


def broker_address(url: str) -> BrokerAddress:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in {"mqtt", "mqtts", "tcp", "ssl"}:
        raise ValueError(f"MQTT_URL must start with mqtt:// or mqtts://, not {parts.scheme}://")
    tls = parts.scheme in {"mqtts", "ssl"}
    return BrokerAddress(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or (8883 if tls else 1883),
        tls=tls,
        username=urllib.parse.unquote(parts.username) if parts.username else None,
        password=urllib.parse.unquote(parts.password) if parts.password else None,
    )


def make_client(
    address: BrokerAddress,
    client_id: str,
    *,
    manual_ack: bool = False,
    protocol: int = mqtt.MQTTv5,
    clean_session: bool | None = None,
) -> mqtt.Client:
    client = mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=protocol,
        manual_ack=manual_ack,
        clean_session=clean_session,
    )
    if address.username:
        client.username_pw_set(address.username, address.password)
    if address.tls:
        client.tls_set(ca_certs=settings.SAFELOOP_MQTT_CA or None, cert_reqs=ssl.CERT_REQUIRED)
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    return client


class Stats:
    def __init__(self) -> None:
        self.received = 0
        self.stored = 0
        self.duplicates = 0
        self.dropped = 0
        self.batches = 0
        self.alarms = 0
        self.slow_batches = 0
        self.lock = threading.Lock()


class Bridge:
    def __init__(
        self,
        url: str,
        *,
        client_id: str = "safeloop-bridge-1",
        group: str | None = None,
        batch_size: int = 1000,
        max_wait: float = 0.02,
        retire: bool = False,
    ):
        self.address = broker_address(url)
        self.client_id = client_id
        self.group = group
        self.batch_size = batch_size
        self.max_wait = max_wait
        # Retiring: take over this id's queued messages, stop receiving new ones (they go
        # to the group's other members), store the rest, then end the session for good.
        self.retire = retire
        self.last_message = time.monotonic()
        # (connection generation, when it arrived, message): see ``generation`` below.
        self.inbox: queue.SimpleQueue[Inbound] = queue.SimpleQueue()
        self.directory = ingest.Directory()
        self.stats = Stats()
        self.stopping = threading.Event()
        self.connected = threading.Event()
        # MQTT 3.1.1 with a persistent session (clean_session=False; the broker keeps it
        # until persistent_client_expiration): paho builds an MQTT 5 properties object for
        # every PUBLISH it receives, which measured half the bridge's receiving cost.
        self.client = make_client(
            self.address, client_id, manual_ack=True, protocol=mqtt.MQTTv311, clean_session=False
        )
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        # A message is acknowledged on the connection it came in on, or not at all: after
        # a reconnect the broker sends the unacknowledged ones again (stored once), and a
        # late PUBACK could carry a packet id the broker has since given another message.
        self.generation = 0
        # New alarms for the Celery worker, sent from another thread, so readings never
        # wait on Redis.
        # (tenant, alarms to respond to, alarms with moments to audit)
        self.responses: queue.SimpleQueue[tuple[ingest.TenantInfo, set[int], set[int]]] = (
            queue.SimpleQueue()
        )
        self.sender = threading.Thread(target=self._send_loop, name="sender", daemon=True)

    # --- network thread: only queue ------------------------------------------------
    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.error("The broker refused the bridge: %s", reason_code)
            return
        prefix = f"$share/{self.group}/" if self.group else ""
        if self.retire:
            client.unsubscribe([prefix + topic for topic in TOPICS])
        else:
            client.subscribe([(prefix + topic, 1) for topic in TOPICS])
        self.generation += 1
        self.connected.set()
        log.info(
            "Bridge %s connected to %s:%s (session present: %s)",
            self.client_id,
            self.address.host,
            self.address.port,
            flags.session_present,
        )

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.connected.clear()
        if not self.stopping.is_set():
            log.warning("Bridge lost the broker (%s); reconnecting", reason_code)

    def _on_message(self, client, userdata, message) -> None:
        self.last_message = time.monotonic()
        self.inbox.put((self.generation, self.last_message, message))

    def _send_loop(self) -> None:
        from django_tenants.utils import tenant_context

        from safeloop.iot_bridge.tasks import respond_to_alarms

        while True:
            tenant, alarm_ids, audit_ids = self.responses.get()
            try:
                close_old_connections()
                with tenant_context(tenant.enterprise):  # the task runs in this schema
                    respond_to_alarms.delay(sorted(alarm_ids), sorted(audit_ids))
            except Exception:  # noqa: BLE001 — beat's chores respond to what is left
                log.exception("Handing alarms %s to the worker failed; beat will", alarm_ids)

    # --- the writer ------------------------------------------------------------------
    def start(self) -> None:
        self.sender.start()
        self.client.connect_async(self.address.host, self.address.port, keepalive=30)
        self.client.loop_start()

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        _quiet_garbage_collector()
        self.start()
        last_report = time.monotonic()
        try:
            while not self.stopping.is_set():
                batch = self._take()
                if batch:
                    self._handle(batch)
                elif self.retire and self.connected.is_set():
                    if time.monotonic() - self.last_message > RETIRE_IDLE_SECONDS:
                        self._end_session()
                        return
                if time.monotonic() - last_report > 60:
                    last_report = time.monotonic()
                    self._report()
        finally:
            self._report()
            self.client.disconnect()
            self.client.loop_stop()
            connections.close_all()

    def _end_session(self) -> None:
        """Sign in once more under this id with a clean session: the broker drops it."""
        self.client.disconnect()
        self.client.loop_stop()
        wiper = make_client(
            self.address, self.client_id, protocol=mqtt.MQTTv311, clean_session=True
        )
        wiper.connect(self.address.host, self.address.port, keepalive=10)
        wiper.loop_start()
        deadline = time.monotonic() + 10
        while not wiper.is_connected() and time.monotonic() < deadline:
            time.sleep(0.05)
        wiper.disconnect()
        wiper.loop_stop()
        log.info("Bridge %s retired: its session is gone", self.client_id)

    def _take(self) -> list[Inbound]:
        try:
            first = self.inbox.get(timeout=0.5)
        except queue.Empty:
            return []
        batch = [first]
        deadline = time.monotonic() + self.max_wait
        while len(batch) < self.batch_size:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            try:
                batch.append(self.inbox.get(timeout=left))
            except queue.Empty:
                break
        return batch

    def _handle(self, batch: list[Inbound]) -> None:
        delay = 0.5
        taken = time.monotonic()
        while True:
            try:
                self._store([message for _generation, _at, message in batch])
                break
            except (OperationalError, InterfaceError) as exc:
                if self.stopping.is_set():
                    return  # not acknowledged: the broker sends them again
                log.warning(
                    "The database is unavailable (%s); retrying the batch in %.1f s", exc, delay
                )
                connections.close_all()
                time.sleep(delay)
                delay = min(delay * 2, 10.0)
        stored = time.monotonic()
        for generation, _at, message in batch:
            if generation == self.generation:
                self.client.ack(message.mid, message.qos)
        waited = stored - batch[0][1]
        if waited > SLOW_BATCH_SECONDS:
            with self.stats.lock:
                self.stats.slow_batches += 1
            log.info(
                "Slow batch of %d: %.0f ms from arrival to commit (%.0f ms queued, "
                "%.0f ms parsing and storing)",
                len(batch),
                waited * 1000,
                (taken - batch[0][1]) * 1000,
                (stored - taken) * 1000,
            )

    def _store(self, batch: list[mqtt.MQTTMessage]) -> None:
        close_old_connections()
        now = timezone.now()
        drops = ingest.Drops()
        values: dict[str, list[ingest.Value]] = defaultdict(list)
        statuses: dict[str, list] = defaultdict(list)
        tenants: dict[str, ingest.TenantInfo] = {}
        for message in batch:
            tenant, found, status = ingest.parse(
                message.topic, message.payload, self.directory, drops, now
            )
            if tenant is None:
                continue
            schema = tenant.enterprise.schema_name
            tenants[schema] = tenant
            values[schema] += found
            if status is not None:
                statuses[schema].append((*status, now))
        stored = duplicates = alarms = 0
        for schema, tenant in tenants.items():
            try:
                result = ingest.store(tenant, values[schema], statuses[schema], respond_now=False)
            except (OperationalError, InterfaceError):
                raise
            except DatabaseError as exc:
                # A schema dropped under us, a constraint we did not foresee: this
                # enterprise's part is counted and dropped; the others go on.
                log.exception("Could not store %d values for %s", len(values[schema]), schema)
                topic = f"safeloop/{tenant.enterprise.slug}"
                drops.add(schema, "error", topic, str(exc)[:200], count=len(values[schema]))
                self.directory.forget(tenant.enterprise.slug)
                continue
            if result.to_respond or result.to_audit:
                self.responses.put((tenant, result.to_respond, result.to_audit))
            stored += result.readings
            duplicates += result.duplicates
            alarms += result.alarms_changed
        ingest.record_drops(drops)
        with self.stats.lock:
            self.stats.received += len(batch)
            self.stats.stored += stored
            self.stats.duplicates += duplicates
            self.stats.dropped += sum(drops.counts.values())
            self.stats.batches += 1
            self.stats.alarms += alarms

    def _report(self) -> None:
        s = self.stats
        log.info(
            "Bridge %s: %d messages, %d readings stored, %d duplicates, %d dropped, "
            "%d alarm changes, %d batches (%d slow)",
            self.client_id,
            s.received,
            s.stored,
            s.duplicates,
            s.dropped,
            s.alarms,
            s.batches,
            s.slow_batches,
        )


def _quiet_garbage_collector() -> None:
    """Keep Python's cyclic garbage collector from pausing the writer.

    At thousands of messages a second the collector runs its oldest generation every
    second or so, and each such run walked every object Django and the apps had loaded
    (measured: the writer stalled 110–160 ms each time, which is what a reading that
    raises an alarm waited). Those objects live as long as the process: ``gc.freeze()``
    takes them out of the collector's walks; pauses still over 50 ms are logged."""
    gc.collect()
    gc.freeze()
    started: list[float] = []

    def timed(phase: str, info: dict) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            started[:] = [time.perf_counter()]
        elif started and (paused := time.perf_counter() - started[0]) > 0.05:
            log.info("Garbage collection paused the bridge %.0f ms", paused * 1000)

    gc.callbacks.append(timed)


def run_bridge(url: str, **options) -> None:
    bridge = Bridge(url, **options)

    def stop(*_args) -> None:
        bridge.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    bridge.run()
