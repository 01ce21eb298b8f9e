"""Acme's chlorine detector at the stamping workshop's first area, as the safety
department registers it: 0.3 / 1.0 / 3.0 ppm, dead bands 0.05 / 0.1 / 0.2."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from safeloop.iot_bridge.services import ingest
from safeloop.iot_bridge.services.devices import SensorSpec, register_device

CL2 = SensorSpec(
    metric="cl2_ppm",
    label="Cl2",
    unit="ppm",
    range_min=0,
    range_max=20,
    high=((1, 0.3, 0, 0.05), (2, 1.0, 0, 0.1), (3, 3.0, 0, 0.2)),
)


def register_detector(by, area, code="gd-101", risk_point=None):
    return register_device(
        by=by,
        code=code,
        name="氯气检测仪 GD-101",
        kind="gas",
        area=area,
        risk_point=risk_point,
        model="GT-Cl2",
        sensors=[CL2],
    )


@pytest.fixture
def area_w1a(in_acme):
    from safeloop.tenants.facilities.models import Area

    workshop = Area.objects.filter(kind="workshop").order_by("code").first()
    return Area.objects.filter(parent=workshop).order_by("code").first()


@pytest.fixture
def detector(wang, area_w1a):
    device, credentials = register_detector(wang, area_w1a)
    return device


class Feed:
    """Messages through the bridge's own checks and store, without a broker."""

    def __init__(self, slug: str = "acme"):
        self.slug = slug
        self.directory = ingest.Directory()
        self.drops = ingest.Drops()
        self.start = timezone.now() - timedelta(minutes=10)

    def send(
        self,
        code: str,
        value,
        *,
        second: int = 0,
        ts=None,
        raw: bytes | None = None,
        topic: str | None = None,
        metric: str = "cl2_ppm",
    ):
        moment = ts if ts is not None else (self.start + timedelta(seconds=second)).isoformat()
        body = (
            raw
            if raw is not None
            else json.dumps({"ts": moment, "values": {metric: value}}).encode()
        )
        tenant, values, status = ingest.parse(
            topic or f"safeloop/{self.slug}/{code}/up", body, self.directory, self.drops
        )
        if tenant is None:
            return None
        return ingest.store(tenant, values, [(*status, timezone.now())] if status else [])

    def status(self, code: str, text: str):
        tenant, values, status = ingest.parse(
            f"safeloop/{self.slug}/{code}/status", text.encode(), self.directory, self.drops
        )
        return ingest.store(tenant, values, [(*status, timezone.now())]) if tenant else None

    def curve(self, code: str, values, step: int = 5):
        return [self.send(code, v, second=i * step) for i, v in enumerate(values)]

    def dropped(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for (_schema, reason), n in self.drops.counts.items():
            out[reason] = out.get(reason, 0) + n
        return out


@pytest.fixture
def feed(detector):
    return Feed()


def moment(dt: datetime) -> str:
    return dt.isoformat()
