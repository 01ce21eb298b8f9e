"""MQTT_URL with TLS and a password: the bridge reaches a broker that only speaks TLS,
checking its certificate against SAFELOOP_MQTT_CA, and stores what a device sends."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import connection
from django.utils import timezone

from safeloop.iot_bridge.models import Reading
from tests.iot.test_bridge_live import _detector, until
from tests.support.committed import committed, throwaway_enterprise
from tests.support.mqtt import BRIDGE_PASSWORD, Broker, Device, start_bridge, wait_connected
from tests.support.worker import database_url, stop_process

pytestmark = pytest.mark.django_db


def _certificates(folder) -> tuple[str, str, str]:
    """A CA and a server certificate for 127.0.0.1, as PEM files: (ca, cert, key)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "SafeLoop test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    import ipaddress

    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    paths = (folder / "ca.pem", folder / "server.pem", folder / "server.key")
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return tuple(str(p) for p in paths)


class TlsBroker(Broker):
    """The embedded default's configuration, its listener speaking TLS only."""

    def __init__(self, folder, ca: str, cert: str, key: str):
        super().__init__(folder)
        conf = (folder / "mosquitto.conf").read_text()
        conf = conf.replace(
            f"listener {self.port} 127.0.0.1",
            f"listener {self.port} 127.0.0.1\ncafile {ca}\ncertfile {cert}\nkeyfile {key}",
        )
        (folder / "mosquitto.conf").write_text(conf)

    @property
    def bridge_url(self) -> str:
        return f"mqtts://safeloop-bridge:{BRIDGE_PASSWORD}@127.0.0.1:{self.port}"


def test_the_bridge_reads_a_tls_broker_with_a_password_and_a_ca(tmp_path, django_db_blocker):
    ca, cert, key = _certificates(tmp_path)
    with throwaway_enterprise() as works:
        _device, credentials = _detector(works)
        broker = TlsBroker(tmp_path / "broker", ca, cert, key).start()
        bridge = start_bridge(
            database_url(connection.settings_dict),
            broker,
            "bridge-tls",
            extra_env={"SAFELOOP_MQTT_CA": ca},
        )
        try:
            wait_connected(bridge)
            gd101 = Device(broker.port, credentials.username, credentials.password, ca=ca)
            body = {"ts": timezone.now().isoformat(), "values": {"cl2_ppm": 0.12}}
            gd101.publish(credentials.topic, body)
            stored = until(
                lambda: committed(
                    lambda: list(Reading.objects.values_list("value", flat=True)), works
                )
            )
            gd101.close()
        finally:
            stop_process(bridge, django_db_blocker)
            broker.stop()
    assert stored == [0.12]
