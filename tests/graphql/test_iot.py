"""The IoT API: devices and alarms read in a fixed number of queries, a sensor's curve
in buckets the database computes, acknowledging, registering and setting levels.

Acme's chlorine detector gd-101 watches the stamping workshop's first area (W1-A), as
tests/iot/conftest.py registers it: 0.3 / 1.0 / 3.0 ppm. Wang is the admin and may
register devices; Li, the team leader, acknowledges alarms; Zhang, an operator, sees
the board but acknowledges nothing; Zhao, the third-party verifier, sees no sensors.
Chen is Globex's admin: Acme's alarms are simply not there for him.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.graphql.nodes import global_id
from safeloop.iot_bridge.models import Alarm, AlarmKind, AlarmState, Device, Direction, Sensor
from safeloop.iot_bridge.services.devices import check_mosquitto_hash
from safeloop.tenants.facilities.models import Area
from safeloop.tenants.risks import services as risk_services
from tests.graphql.conftest import run
from tests.graphql.risks_documents import errors_of, mutate
from tests.graphql.test_hazards_query_counts import make_hazards
from tests.graphql.test_query_counts import PER_REQUEST
from tests.iot.conftest import Feed, register_detector

pytestmark = pytest.mark.django_db

DEVICES = """
query {
  iotDevices(first: 100) {
    totalCount
    edges { node {
      id code displayName kind model status online lastSeenAt isActive
      area { id code } riskPoint { id code }
      sensors {
        id metric label unit rangeMin rangeMax lastValue lastAt
        thresholds { id level direction limit holdSeconds deadBand }
      }
    } }
  }
}
"""
# devices (+ total count), areas, risk points, sensors, thresholds
DEVICE_QUERIES = PER_REQUEST + 5

ALARMS = """
query ($filters: IotAlarmFilter) {
  iotAlarms(first: 100, filters: $filters) {
    totalCount
    edges { node {
      id kind direction level peakLevel state isOpen colour raisedAt createdAt
      acknowledgedAt acknowledgedBy clearedAt lastValue peakValue history
      device { id code displayName area { code } }
      sensor { id metric unit }
      hazard { id number }
    } }
  }
}
"""
# alarms (+ total count) with who acknowledged, devices, their areas, sensors, hazards
ALARM_QUERIES = PER_REQUEST + 5

DEVICE = """
query ($id: ID!) {
  iotDevice(id: $id) { code status sensors { id metric thresholds { level limit } } }
}
"""
ALARM = """
query ($id: ID!) {
  iotAlarm(id: $id) { id state level acknowledgedBy acknowledgedAt hazard { number } }
}
"""
READINGS = """
query ($sensor: ID!, $range: IotReadingRange!) {
  iotReadings(sensorId: $sensor, range: $range) { start min mean max }
}
"""
ACKNOWLEDGE = """
mutation ($input: AcknowledgeIotAlarmInput!) {
  acknowledgeIotAlarm(input: $input) {
    alarm { id state acknowledgedBy acknowledgedAt } errors { field code message }
  }
}
"""
REGISTER = """
mutation ($input: RegisterIotDeviceInput!) {
  registerIotDevice(input: $input) {
    device {
      id code kind status area { code } riskPoint { code }
      sensors { metric unit rangeMin rangeMax thresholds { level direction limit deadBand } }
    }
    credentials { username password topic statusTopic }
    errors { field code message }
  }
}
"""
SET_THRESHOLD = """
mutation ($input: SetIotThresholdInput!) {
  setIotThreshold(input: $input) {
    threshold { level direction limit holdSeconds deadBand }
    sensor { thresholds { level limit } }
    errors { field code }
  }
}
"""


@pytest.fixture
def area_w1a(in_acme):
    workshop = Area.objects.filter(kind="workshop").order_by("code").first()
    return Area.objects.filter(parent=workshop).order_by("code").first()


@pytest.fixture
def detector(wang, area_w1a) -> Device:
    device, _credentials = register_detector(wang, area_w1a)
    return device


@pytest.fixture
def feed(detector) -> Feed:
    return Feed()


@pytest.fixture
def leak(feed, detector) -> Alarm:
    """0.5 ppm at gd-101: a level 1 alarm, open and not yet acknowledged."""
    feed.send("gd-101", 0.5)
    return Alarm.objects.get(device=detector)


def gid(type_name: str, row) -> str:
    return global_id(type_name, row)


def gid_in(tenant, type_name: str, row) -> str:
    """The ID another enterprise's API gives its own row."""
    with tenant_context(tenant):
        return global_id(type_name, row)


def queries_for(client, document: str, field: str, rows: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        data = run(client, document)
    assert data[field]["totalCount"] == rows
    assert len(data[field]["edges"]) == rows
    return len([q for q in captured.captured_queries if not q["sql"].startswith("SET ")])


def make_devices(count: int, by, area: Area) -> list[Device]:
    """``count`` chlorine detectors at one risk point of ``area``, through the service."""
    point = risk_services.create_risk_point(
        by=by, code="QC-IOT", name="氯气瓶间", kind="area", area=area
    )
    return [
        register_detector(by, area, code=f"qc-{n:03}", risk_point=point)[0] for n in range(count)
    ]


def make_alarms(devices: list[Device], acknowledger) -> list[Alarm]:
    """One level 2 alarm per device, every other one acknowledged, each with its hazard."""
    hazards = make_hazards(len(devices), photos_each=0)
    sensors = {s.device_id: s for s in Sensor.objects.filter(device__in=devices)}
    now = timezone.now()
    return Alarm.objects.bulk_create(
        Alarm(
            device=device,
            sensor=sensors[device.pk],
            kind=AlarmKind.THRESHOLD,
            direction=Direction.HIGH,
            level=2,
            peak_level=2,
            state=AlarmState.ACKNOWLEDGED if n % 2 else AlarmState.RAISED,
            raised_at=now - timedelta(minutes=n),
            acknowledged_at=now if n % 2 else None,
            acknowledged_by=acknowledger if n % 2 else None,
            last_value=1.2,
            peak_value=1.4,
            history=[{"at": now.isoformat(), "level": 2, "value": 1.2}],
            hazard=hazard,
        )
        for n, (device, hazard) in enumerate(zip(devices, hazards, strict=True))
    )


# --- Reading, in a fixed number of queries ------------------------------------------------


@pytest.mark.parametrize("rows", [3, 12])
def test_device_list_takes_a_fixed_number_of_queries(as_wang, wang, area_w1a, rows):
    make_devices(rows, wang, area_w1a)

    assert queries_for(as_wang, DEVICES, "iotDevices", rows) == DEVICE_QUERIES


@pytest.mark.parametrize("rows", [3, 12])
def test_alarm_list_takes_a_fixed_number_of_queries(as_wang, wang, li, area_w1a, rows):
    make_alarms(make_devices(rows, wang, area_w1a), li)

    assert queries_for(as_wang, ALARMS, "iotAlarms", rows) == ALARM_QUERIES


def test_the_device_list_shows_sensors_thresholds_and_status(as_zhang, feed, detector):
    # given: Zhang is an operator, who may look at the sensors
    before = run(as_zhang, DEVICES)["iotDevices"]["edges"][0]["node"]

    # when: a reading arrives
    feed.send("gd-101", 0.1)
    after = run(as_zhang, DEVICES)["iotDevices"]["edges"][0]["node"]

    # then
    assert before["status"] == "NEVER" and before["lastSeenAt"] is None
    assert after["status"] == "ONLINE" and after["online"] is True
    assert after["code"] == "gd-101" and after["kind"] == "GAS" and after["model"] == "GT-Cl2"
    assert after["area"]["code"] == detector.area.code
    (sensor,) = after["sensors"]
    assert (sensor["metric"], sensor["unit"], sensor["rangeMin"], sensor["rangeMax"]) == (
        "cl2_ppm",
        "ppm",
        0,
        20,
    )
    assert sensor["lastValue"] == 0.1
    assert [
        (t["level"], t["direction"], t["limit"], t["deadBand"]) for t in sensor["thresholds"]
    ] == [
        (1, "HIGH", 0.3, 0.05),
        (2, "HIGH", 1.0, 0.1),
        (3, "HIGH", 3.0, 0.2),
    ]


def test_an_alarm_reads_with_its_device_sensor_and_curve_history(as_zhang, leak):
    data = run(as_zhang, ALARMS)["iotAlarms"]["edges"][0]["node"]

    assert data["id"] == gid("IotAlarm", leak)
    assert (data["kind"], data["direction"], data["level"], data["state"]) == (
        "THRESHOLD",
        "HIGH",
        1,
        "RAISED",
    )
    assert data["isOpen"] is True and data["colour"] == "#f2c200"
    assert data["device"]["code"] == "gd-101" and data["sensor"]["metric"] == "cl2_ppm"
    assert data["lastValue"] == data["peakValue"] == 0.5
    assert [(step["level"], step["value"]) for step in data["history"]] == [(1, 0.5)]
    assert data["acknowledgedBy"] is None and data["hazard"] is None


def test_a_level_2_alarm_shows_its_hazard_only_to_those_who_may_see_it(
    acme_client, wang, zhang, feed, detector
):
    # given: 1.5 ppm opens a hazard; Wang sees every hazard, Zhang (an operator) only his own
    feed.send("gd-101", 1.5)
    alarm = Alarm.objects.get(device=detector)

    # when
    acme_client.force_login(wang)
    for_wang = run(acme_client, ALARM, {"id": gid("IotAlarm", alarm)})["iotAlarm"]
    acme_client.force_login(zhang)
    for_zhang = run(acme_client, ALARM, {"id": gid("IotAlarm", alarm)})["iotAlarm"]

    # then
    assert for_wang["level"] == 2 and for_wang["hazard"] == {"number": alarm.hazard.number}
    assert for_zhang["level"] == 2 and for_zhang["hazard"] is None


def test_the_alarm_filter_takes_open_device_and_since(as_wang, wang, feed, detector):
    other, _credentials = register_detector(wang, detector.area, code="gd-102")
    feed.send("gd-101", 0.5, second=0)
    feed.send("gd-101", 0.1, second=5)  # cleared
    feed.send("gd-102", 0.5, second=10)
    cleared = Alarm.objects.get(device=detector)
    open_one = Alarm.objects.get(device=other)

    def codes(**filters) -> list[str]:
        edges = run(as_wang, ALARMS, {"filters": filters})["iotAlarms"]["edges"]
        return [edge["node"]["device"]["code"] for edge in edges]

    assert codes() == ["gd-102", "gd-101"]
    assert codes(isOpen=True) == ["gd-102"]
    assert codes(isOpen=False) == ["gd-101"]
    assert codes(device=gid("IotDevice", detector)) == ["gd-101"]
    assert codes(since=open_one.raised_at.isoformat()) == ["gd-102"]
    assert codes(since=cleared.raised_at.isoformat(), isOpen=False) == ["gd-101"]


def test_the_verifier_sees_no_sensors_and_no_alarms(as_zhao, leak, detector):
    devices = run(as_zhao, DEVICES)["iotDevices"]
    alarms = run(as_zhao, ALARMS)["iotAlarms"]

    assert devices["totalCount"] == 0 and alarms["totalCount"] == 0
    assert run(as_zhao, DEVICE, {"id": gid("IotDevice", detector)})["iotDevice"] is None
    assert run(as_zhao, ALARM, {"id": gid("IotAlarm", leak)})["iotAlarm"] is None


# --- Curves ---------------------------------------------------------------------------


def _half_hour_ago() -> datetime:
    """A bucket boundary of all three ranges 10–40 minutes ago (date_bin counts from 2000)."""
    moment = (timezone.now() - timedelta(minutes=10)).timestamp()
    return datetime.fromtimestamp(moment // 1800 * 1800, tz=UTC)


def test_readings_come_in_buckets_the_database_computes(as_zhang, feed, detector):
    # given: four readings, three in one 30-second bucket and one in the next
    start = _half_hour_ago()
    for offset, value in [(0, 0.05), (10, 0.1), (20, 0.15), (30, 0.2)]:
        stored = feed.send("gd-101", value, ts=(start + timedelta(seconds=offset)).isoformat())
        assert stored.readings == 1
    sensor = gid("IotSensor", detector.sensors.get())

    # when
    hour = run(as_zhang, READINGS, {"sensor": sensor, "range": "HOUR"})["iotReadings"]
    week = run(as_zhang, READINGS, {"sensor": sensor, "range": "WEEK"})["iotReadings"]

    # then
    assert [(b["min"], b["mean"], b["max"]) for b in hour] == [(0.05, 0.1, 0.15), (0.2, 0.2, 0.2)]
    assert [datetime.fromisoformat(b["start"]) for b in hour] == [
        start,
        start + timedelta(seconds=30),
    ]
    assert [(b["min"], b["mean"], b["max"]) for b in week] == [(0.05, 0.125, 0.2)]
    assert datetime.fromisoformat(week[0]["start"]) == start


def test_readings_of_a_sensor_nobody_may_see_are_null(as_zhao, detector):
    sensor = gid("IotSensor", detector.sensors.get())

    assert run(as_zhao, READINGS, {"sensor": sensor, "range": "DAY"})["iotReadings"] is None


# --- Acknowledging ----------------------------------------------------------------------


def test_an_operator_cannot_acknowledge(as_zhang, leak):
    payload = mutate(as_zhang, ACKNOWLEDGE, id=gid("IotAlarm", leak))

    assert payload["alarm"] is None
    assert errors_of(payload) == [(None, "permission_denied")]
    leak.refresh_from_db()
    assert leak.acknowledged_at is None


def test_the_team_leader_acknowledges_once(as_li, leak):
    first = mutate(as_li, ACKNOWLEDGE, id=gid("IotAlarm", leak))
    second = mutate(as_li, ACKNOWLEDGE, id=gid("IotAlarm", leak))

    assert first["errors"] == []
    assert first["alarm"]["state"] == "ACKNOWLEDGED"
    assert first["alarm"]["acknowledgedBy"] == "Li Na"
    assert first["alarm"]["acknowledgedAt"] is not None
    assert second["alarm"] is None
    assert errors_of(second) == [("alarm", "already")]


def test_acknowledging_an_unknown_id_is_not_found(as_li, detector):
    payload = mutate(as_li, ACKNOWLEDGE, id=gid("IotAlarm", Alarm(pk=999_999)))

    assert errors_of(payload) == [("id", "not_found")]


# --- Registering and setting levels -------------------------------------------------------

CL2_SENSOR = {
    "metric": "cl2_ppm",
    "label": "Cl2",
    "unit": "ppm",
    "rangeMin": 0,
    "rangeMax": 20,
    "high": [
        {"level": 1, "limit": 0.3, "deadBand": 0.05},
        {"level": 2, "limit": 1.0, "deadBand": 0.1},
    ],
}


def _registration(where: Area, **changes) -> dict:
    return {
        "code": "gd-201",
        "name": "氯气检测仪 GD-201",
        "kind": "GAS",
        "area": gid("Area", where),
        "model": "GT-Cl2",
        "sensors": [CL2_SENSOR],
        **changes,
    }


def test_registering_returns_the_device_and_its_credentials_once(as_wang, area_w1a):
    payload = mutate(as_wang, REGISTER, **_registration(area_w1a))

    assert payload["errors"] == []
    device = payload["device"]
    assert (device["code"], device["kind"], device["status"]) == ("gd-201", "GAS", "NEVER")
    assert device["area"] == {"code": area_w1a.code} and device["riskPoint"] is None
    (sensor,) = device["sensors"]
    assert [(t["level"], t["direction"], t["limit"]) for t in sensor["thresholds"]] == [
        (1, "HIGH", 0.3),
        (2, "HIGH", 1.0),
    ]
    credentials = payload["credentials"]
    assert credentials["username"] == "acme.gd-201"
    assert credentials["topic"] == "safeloop/acme/gd-201/up"
    assert credentials["statusTopic"] == "safeloop/acme/gd-201/status"
    # Only mosquitto's hash of the password is kept, and the API never shows it again.
    stored = Device.objects.get(code="gd-201").mqtt_password_hash
    assert credentials["password"] not in stored
    assert check_mosquitto_hash(credentials["password"], stored)
    device_fields = run(as_wang, '{ __type(name: "IotDevice") { fields { name } } }')
    names = {field["name"] for field in device_fields["__type"]["fields"]}
    assert not names & {"password", "mqttPasswordHash", "credentials"}


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"code": "Bad Code!"}, ("code", "invalid")),
        ({"code": "gd-101"}, ("code", "duplicate")),
        ({"name": " "}, ("name", "required")),
        ({"name": "检" * 121}, ("name", "too_long")),
        ({"sensors": [{**CL2_SENSOR, "rangeMin": 20, "rangeMax": 0}]}, ("sensors", "invalid")),
        ({"sensors": [CL2_SENSOR, CL2_SENSOR]}, ("sensors", "invalid")),
        (
            {"sensors": [{**CL2_SENSOR, "high": [{"level": 1, "limit": 25}]}]},
            ("limit", "invalid"),
        ),
        ({"area": "QXJlYTpnbG9iZXguMQ=="}, ("area", "not_found")),  # Area:globex.1
    ],
)
def test_registering_with_bad_input_says_what_is_wrong(as_wang, area_w1a, detector, changes, error):
    payload = mutate(as_wang, REGISTER, **_registration(area_w1a, **changes))

    assert errors_of(payload) == [error]
    assert payload["device"] is None and payload["credentials"] is None
    assert not Device.objects.filter(code="gd-201").exists()


def test_the_team_leader_cannot_register_devices(as_li, area_w1a):
    payload = mutate(as_li, REGISTER, **_registration(area_w1a))

    assert errors_of(payload) == [(None, "permission_denied")]
    assert payload["credentials"] is None


def test_setting_a_level_changes_it_and_keeps_the_levels_in_order(as_wang, detector):
    sensor = gid("IotSensor", detector.sensors.get())

    moved = mutate(as_wang, SET_THRESHOLD, sensor=sensor, level=1, limit=0.5, holdSeconds=10)
    crossing = mutate(as_wang, SET_THRESHOLD, sensor=sensor, level=2, limit=4.0)

    assert moved["errors"] == []
    assert moved["threshold"] == {
        "level": 1,
        "direction": "HIGH",
        "limit": 0.5,
        "holdSeconds": 10,
        "deadBand": 0.0,
    }
    assert [t["limit"] for t in moved["sensor"]["thresholds"]] == [0.5, 1.0, 3.0]
    assert errors_of(crossing) == [("limit", "levels")]


def test_the_team_leader_cannot_set_levels(as_li, detector):
    sensor = gid("IotSensor", detector.sensors.get())

    payload = mutate(as_li, SET_THRESHOLD, sensor=sensor, level=1, limit=0.5)

    assert errors_of(payload) == [(None, "permission_denied")]
    assert detector.sensors.get().thresholds.get(level=1).limit == 0.3


# --- Another enterprise -------------------------------------------------------------------


def test_globex_cannot_read_or_acknowledge_acmes_alarm(as_chen, chen, globex, acme, leak):
    # given: Globex has an alarm of its own with the very same primary key
    with tenant_context(globex):
        area = Area.objects.filter(kind="area").order_by("code").first()
        device, _credentials = register_detector(chen, area, code="gd-101")
        theirs = Alarm.objects.create(
            pk=leak.pk,
            device=device,
            kind=AlarmKind.OFFLINE,
            level=1,
            peak_level=1,
            raised_at=timezone.now(),
        )
    acme_id = gid("IotAlarm", leak)
    sensor_id = gid("IotSensor", leak.sensor)

    # when
    read = run(as_chen, ALARM, {"id": acme_id})["iotAlarm"]
    listed = run(as_chen, ALARMS)["iotAlarms"]
    curve = run(as_chen, READINGS, {"sensor": sensor_id, "range": "HOUR"})["iotReadings"]
    acknowledged = mutate(as_chen, ACKNOWLEDGE, id=acme_id)

    # then: Acme's alarm is simply not there, and Globex's own alarm is untouched
    assert read is None and curve is None
    assert [edge["node"]["id"] for edge in listed["edges"]] == [gid_in(globex, "IotAlarm", theirs)]
    assert errors_of(acknowledged) == [("id", "not_found")]
    with tenant_context(globex):
        assert Alarm.objects.get(pk=theirs.pk).acknowledged_at is None
    with tenant_context(acme):
        assert Alarm.objects.get(pk=leak.pk).acknowledged_at is None
