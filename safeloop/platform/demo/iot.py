"""The demo's three gas detectors, a day of their readings and yesterday's episode.

Seeded through the bridge's own store (the same threshold rule, alarms, notices
and hazard as live messages), so the board, the curves, an alarm's page and the
hazard it opened all show data on first login. ``safeloop run`` then keeps them
publishing through the simulator.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

# code, Chinese name, English name, area, metric, unit, range, (L1, L2, L3), model
DEMO_DEVICES = [
    (
        "gd-w3a2-01",
        "可燃气体探测器（气瓶存放间）",
        "Combustible gas detector, cylinder store",
        "W3-A2",
        ("lel_pct", "可燃气", "%LEL", 0, 100, (10, 25, 50)),
        "GTQ-BS01",
    ),
    (
        "gd-w4a2-01",
        "可燃气体探测器（喷涂房）",
        "Combustible gas detector, spray booth",
        "W4-A2",
        ("lel_pct", "可燃气", "%LEL", 0, 100, (10, 25, 50)),
        "GTQ-BS01",
    ),
    (
        "co-w3a1-01",
        "一氧化碳探测器（焊接工位区）",
        "CO detector, welding bays",
        "W3-A1",
        ("co_ppm", "一氧化碳", "ppm", 0, 500, (24, 50, 150)),
        "GTYQ-CO",
    ),
]
HISTORY = timedelta(hours=24)
STEP = timedelta(minutes=2)
# Yesterday in the spray booth: solvent vapour while a drum was decanted, %LEL.
EPISODE_DEVICE = "gd-w4a2-01"
EPISODE_AGO = timedelta(hours=20)
EPISODE = (8.0, 12.5, 18.0, 27.5, 31.0, 22.0, 14.0, 9.5, 6.0)


def seed_iot(admin, officer, now: datetime) -> None:
    """Register the detectors (if none are) and play a day of readings through the bridge."""
    from django.db import connection

    from safeloop.iot_bridge.models import Alarm, Device
    from safeloop.iot_bridge.services import ingest
    from safeloop.iot_bridge.services.alarms import acknowledge
    from safeloop.iot_bridge.services.devices import SensorSpec, register_device
    from safeloop.tenants.facilities.models import Area

    if Device.objects.exists():
        return
    areas = {a.code: a for a in Area.objects.all()}
    for code, name, name_en, area_code, sensor, model in DEMO_DEVICES:
        metric, label, unit, low, high, limits = sensor
        area = areas[area_code]
        device, _credentials = register_device(
            by=admin,
            code=code,
            name=name,
            kind="gas",
            area=area,
            risk_point=area.risk_points.order_by("pk").first(),
            model=model,
            sensors=[
                SensorSpec(
                    metric=metric,
                    label=label,
                    unit=unit,
                    range_min=low,
                    range_max=high,
                    high=tuple((n, limit, 0, limit * 0.1) for n, limit in enumerate(limits, 1)),
                )
            ],
        )
        device.name_en = name_en
        device.save(update_fields=["name_en"])
    tenant = ingest.TenantInfo(connection.tenant, ingest.load_devices(), 0.0)
    rng = random.Random(6)
    for code, _name, _en, _area, sensor, _model in DEMO_DEVICES:
        info = tenant.devices[code]
        sensor_info = info.sensors[sensor[0]]
        first = sensor[5][0]
        values = []
        moment = now - HISTORY
        episode_at = now - EPISODE_AGO
        episode = list(EPISODE) if code == EPISODE_DEVICE else []
        while moment < now - timedelta(minutes=1):
            if episode and moment >= episode_at:
                value = episode.pop(0)
            else:
                value = round(max(0.0, first * 0.2 + rng.gauss(0, first * 0.04)), 2)
            values.append(ingest.Value(sensor_info, info.id, moment, value))
            moment += STEP
        ingest.store(tenant, values)
    episode_alarm = Alarm.objects.filter(device__code=EPISODE_DEVICE).order_by("pk").first()
    if episode_alarm is not None:
        acknowledge(episode_alarm, by=officer)
        # The officer was on it three minutes after it rose, not now.
        Alarm.objects.filter(pk=episode_alarm.pk).update(
            acknowledged_at=episode_alarm.raised_at + timedelta(minutes=3)
        )
