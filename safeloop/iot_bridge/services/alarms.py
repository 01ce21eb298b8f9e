"""Alarm episodes and what they set off: raised → level up and down → cleared,
acknowledged by a person, the tiered response, and the hazard a level-2 episode opens.

The bridge calls ``follow`` (inside its batch's transaction, the sensor row
locked) for every reading that changes or continues an episode; people call
``acknowledge``. Every change is in the audit trail; machine-made ones carry no
actor.

The bridge's writer never waits on a lock that slower work holds: an episode's
moments go into its ``history`` at once and into the audit trail right after (by
``audit_moments``, in the worker: the trail's lock is held by whoever is filing a
hazard), and the response takes the alarm's row lock only for an instant.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from safeloop.access import ensure_can
from safeloop.iot_bridge.models import (
    Alarm,
    AlarmKind,
    AlarmState,
    Device,
    Direction,
    ResponsePlan,
    Sensor,
)
from safeloop.iot_bridge.permissions import IotPerm
from safeloop.iot_bridge.services.thresholds import State
from safeloop.platform.errors import field_error
from safeloop.platform.urls_util import tenant_absolute_url
from safeloop.tenants.audit.services import lock_trail, record_event

# Level → hazard grade of the hazard an episode opens (level 1 opens none).
HAZARD_GRADE = {2: "serious", 3: "major"}
HAZARD_FROM_LEVEL = 2

# Who is told at each level when the enterprise has not said otherwise.
DEFAULT_ROLES = {
    1: [],
    2: ["safety_manager", "safety_officer", "workshop_director"],
    3: ["principal", "leader_in_charge", "safety_manager"],
}
DEFAULT_AREA_PEOPLE = {1: True, 2: False, 3: False}


class IotErrorCode:
    ALREADY = "already"
    CLEARED = "cleared"


def default_guidance(kind: str, level: int) -> str:
    if kind == "gas":
        return {
            1: _(
                "Gas above the first limit. Put on your portable detector and respirator, check "
                "the point for a leak and ventilate. If you cannot find the cause, leave and "
                "report."
            ),
            2: _(
                "Gas above the second limit. Stop hot work and loading nearby, evacuate the area "
                "downwind, the emergency group goes to the point with breathing apparatus."
            ),
            3: _(
                "Gas above the third limit. Start the site emergency plan: evacuate, close the "
                "source remotely if possible, tell the park emergency platform, account for "
                "everyone."
            ),
        }[level]
    return {
        1: _("Value above the first limit. Check the equipment at the point and report."),
        2: _("Value above the second limit. The emergency group checks the point now."),
        3: _("Value above the third limit. Start the emergency plan for this point."),
    }[level]


def plan_for(kind: str, level: int) -> ResponsePlan:
    plan = ResponsePlan.objects.filter(kind=kind, level=level).first()
    if plan is None:
        plan = ResponsePlan(
            kind=kind,
            level=level,
            roles=DEFAULT_ROLES[level],
            area_people=DEFAULT_AREA_PEOPLE[level],
        )
    if not plan.guidance:
        plan.guidance = default_guidance(kind, level)
    return plan


def open_threshold_alarms(sensor_ids: list[int]) -> dict[int, Alarm]:
    return {
        alarm.sensor_id: alarm
        for alarm in Alarm.objects.select_for_update().filter(
            kind=AlarmKind.THRESHOLD, cleared_at__isnull=True, sensor_id__in=sensor_ids
        )
    }


def _moment(at: datetime, level: int, value: float | None) -> dict:
    return {"at": at.isoformat(), "level": level, "value": value}


def follow(
    alarm: Alarm | None,
    device_id: int,
    sensor_id: int,
    before: State,
    after: State,
    value: float,
    ts: datetime,
    to_respond: set[int],
    to_audit: set[int],
) -> tuple[Alarm | None, int]:
    """Move a sensor's episode along after one reading: (the open alarm, 1 if it changed).

    An alarm raised or gone up is added to ``to_respond``: its notices and hazard are
    made by ``respond`` after the readings' transaction has committed, so the alarm is on
    the board at once and a slow notice never holds a batch of readings. Each new
    moment of its history is added to ``to_audit`` (``audit_moments``)."""
    if alarm is None:
        if after.level == 0:
            return None, 0
        alarm = Alarm.objects.create(
            device_id=device_id,
            sensor_id=sensor_id,
            kind=AlarmKind.THRESHOLD,
            direction=after.direction,
            level=after.level,
            peak_level=after.level,
            raised_at=ts,
            last_value=value,
            peak_value=value,
            history=[_moment(ts, after.level, value)],
        )
        to_respond.add(alarm.pk)
        to_audit.add(alarm.pk)
        return alarm, 1
    alarm.last_value = value
    worse = (
        value > alarm.peak_value if alarm.direction == Direction.HIGH else value < alarm.peak_value
    )
    fields = ["last_value"]
    if alarm.peak_value is None or worse:
        alarm.peak_value = value
        fields.append("peak_value")
    if after.level == 0:
        alarm.cleared_at = ts
        alarm.state = AlarmState.CLEARED
        alarm.history = [*alarm.history, _moment(ts, 0, value)]
        alarm.save(update_fields=[*fields, "cleared_at", "state", "history"])
        to_audit.add(alarm.pk)
        return None, 1
    if after.level == alarm.level:
        alarm.save(update_fields=fields)
        return alarm, 0
    rose = after.level > alarm.level
    alarm.level = after.level
    alarm.peak_level = max(alarm.peak_level, after.level)
    alarm.history = [*alarm.history, _moment(ts, after.level, value)]
    alarm.save(update_fields=[*fields, "level", "peak_level", "history"])
    to_audit.add(alarm.pk)
    if rose:
        to_respond.add(alarm.pk)
    return alarm, 1


def needs_response(alarm: Alarm) -> bool:
    told = max(alarm.notified_levels, default=0)
    return alarm.peak_level > told or (
        alarm.peak_level >= HAZARD_FROM_LEVEL and alarm.hazard_id is None
    )


def audit_moments(alarm_id: int) -> int:
    """Write the moments of an episode's history not yet in the audit trail (raised,
    level changes, cleared, each with its own time); how many. Idempotent: under the
    trail's lock (taken first, as every writer of both takes them) the count of moments
    already written is read and moved on in the same transaction."""
    with transaction.atomic():
        lock_trail()
        row = Alarm.objects.filter(pk=alarm_id).values("history", "audited_moments").first()
        if row is None or len(row["history"]) <= row["audited_moments"]:
            return 0
        done, history = row["audited_moments"], row["history"]
        for index in range(done, len(history)):
            moment = history[index]
            if index == 0:
                verb, data = "iot.alarm_raised", {"level": moment["level"]}
            elif moment["level"] == 0:
                verb, data = "iot.alarm_cleared", {}
            else:
                verb, data = "iot.alarm_level", {"level": moment["level"]}
            record_event(
                None,
                verb,
                by=None,
                object_type=Alarm._meta.label_lower,
                object_id=alarm_id,
                value=moment["value"],
                at=moment["at"],
                **data,
            )
        Alarm.objects.filter(pk=alarm_id).update(audited_moments=len(history))
        return len(history) - done


def respond(alarm_id: int) -> bool:
    """Tell each level the episode reached its people, once, and open the hazard at level 2.

    Idempotent without holding the alarm's row (which the bridge's writer updates at the
    next reading): a notice is queued once per alarm and level by its dedupe key, and the
    hazard is filed once per alarm by its key; the row is locked only to note what was
    done. The bridge calls it after each commit; beat's chores call it for any alarm a
    crash left untold."""
    alarm = Alarm.objects.filter(pk=alarm_id).first()
    if alarm is None or alarm.kind != AlarmKind.THRESHOLD or not needs_response(alarm):
        return False
    _respond(alarm)
    return True


def _respond(alarm: Alarm) -> None:
    device = Device.objects.select_related("area", "risk_point").get(pk=alarm.device_id)
    sensor = Sensor.objects.get(pk=alarm.sensor_id) if alarm.sensor_id else None
    told = []
    for level in range(1, alarm.peak_level + 1):
        if level not in alarm.notified_levels:
            with transaction.atomic():
                _tell(alarm, device, sensor, level)
            told.append(level)
    if told:
        with transaction.atomic():
            locked = Alarm.objects.select_for_update().only("notified_levels").get(pk=alarm.pk)
            locked.notified_levels = sorted({*locked.notified_levels, *told})
            locked.save(update_fields=["notified_levels"])
    if alarm.peak_level >= HAZARD_FROM_LEVEL and alarm.hazard_id is None:
        _open_hazard(alarm, device, sensor)


def _people_for(plan: ResponsePlan, device: Device) -> list:
    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.facilities.selectors import active_people

    people = active_people().none()
    if plan.roles:
        people = active_people().filter(roles__overlap=list(plan.roles))
    users = [p.user for p in people.select_related("user")]
    if plan.area_people:
        # The area, its workshop and its sub-areas: the people who work at the point.
        area = device.area
        children = Area.objects.filter(parent_id=area.pk).values_list("pk", flat=True)
        areas = [area.pk, *children, *([area.parent_id] if area.parent_id else [])]
        users += [p.user for p in active_people().filter(area_id__in=areas).select_related("user")]
    if not users:
        # Nobody holds the roles (a new enterprise): an alarm never goes unheard.
        users = [
            p.user for p in active_people().filter(roles__contains=["admin"]).select_related("user")
        ]
    return users


def _reading(sensor: Sensor | None, value: float | None) -> str:
    if sensor is None or value is None:
        return ""
    return f"{sensor.label or sensor.metric} {value:g} {sensor.unit}"


def _tell(alarm: Alarm, device: Device, sensor: Sensor | None, level: int) -> None:
    from safeloop.tenants.alerts.models import Channel
    from safeloop.tenants.alerts.services import Message, notify

    plan = plan_for(device.kind, level)
    where = device.area.display_name + (f" · {device.risk_point}" if device.risk_point_id else "")
    subject = _("Level %(level)d alarm: %(device)s at %(where)s, %(reading)s") % {
        "level": level,
        "device": device.display_name,
        "where": where,
        "reading": _reading(sensor, alarm.last_value),
    }
    link = tenant_absolute_url(reverse("iot:alarm", args=[alarm.pk]))
    notify(
        _people_for(plan, device),
        Message(
            event=f"iot.alarm_level{level}",
            subject=subject,
            body=plan.guidance,
            link=link,
            urgent=level >= 2,
            data=_alarm_data(alarm, device, sensor, level, link),
        ),
        dedupe_key=f"iot.alarm:{alarm.pk}:{level}",
        robots=level >= 2,
        channels=[Channel.INBOX] if level == 1 else None,
    )


def _alarm_data(alarm: Alarm, device: Device, sensor: Sensor | None, level: int, link: str) -> dict:
    """What a park emergency platform takes: the level, the reading, where, the curve's link."""
    point = device.risk_point
    return {
        "alarm": alarm.pk,
        "level": level,
        "value": alarm.last_value,
        "peak": alarm.peak_value,
        "unit": sensor.unit if sensor else "",
        "metric": sensor.metric if sensor else "",
        "raised_at": alarm.raised_at.isoformat(),
        "device": {"code": device.code, "name": device.name, "kind": device.kind},
        "area": {"code": device.area.code, "name": device.area.name},
        "risk_point": {"code": point.code, "name": point.name} if point else None,
        "curve": link,
    }


def _open_hazard(alarm: Alarm, device: Device, sensor: Sensor | None) -> None:
    from safeloop.tenants.hazards.services import report_by_system

    # The hazard is the enterprise's record: written in its language, not the reader's.
    with override("zh-hans"):
        title = _("%(device)s alarm: %(reading)s") % {
            "device": device.display_name,
            "reading": _reading(sensor, alarm.peak_value),
        }
        description = _(
            "Opened by a level %(level)d sensor alarm at %(at)s. Find and remove the cause; "
            "the alarm page shows the curve and the point's recent inspections."
        ) % {
            "level": alarm.peak_level,
            "at": timezone.localtime(alarm.raised_at).strftime("%Y-%m-%d %H:%M"),
        }
    photos = []
    if sensor is not None:  # drawn before any transaction: nothing is locked meanwhile
        from safeloop.iot_bridge.snapshot import curve_png

        photos.append(curve_png(sensor, alarm.raised_at, title=f"{device.code} · {title}"))
    link = tenant_absolute_url(reverse("iot:alarm", args=[alarm.pk]))
    with transaction.atomic():
        hazard = report_by_system(
            area=device.area,
            photos=photos,
            title=title,
            description=f"{description}\n{link}",
            grade=HAZARD_GRADE[min(alarm.peak_level, 3)],
            reported_at=min(alarm.raised_at, timezone.now()),
            key=f"iot-alarm:{alarm.pk}",
        )
        if Alarm.objects.filter(pk=alarm.pk, hazard__isnull=True).update(hazard=hazard):
            record_event(alarm, "iot.alarm_hazard_opened", by=None, hazard=hazard.number)


def device_online(device_ids: list[int]) -> int:
    """Readings arrived: any offline episode of these devices is over."""
    changed = 0
    for alarm in Alarm.objects.select_for_update().filter(
        kind=AlarmKind.OFFLINE, cleared_at__isnull=True, device_id__in=device_ids
    ):
        _clear_offline(alarm, timezone.now())
        changed += 1
    return changed


def device_status(device_id: int, status: str, at: datetime) -> int:
    """The device said it is online, or the broker published its last will."""
    Device.objects.filter(pk=device_id).update(online=status == "online")
    open_alarm = (
        Alarm.objects.select_for_update()
        .filter(kind=AlarmKind.OFFLINE, cleared_at__isnull=True, device_id=device_id)
        .first()
    )
    if status == "online":
        if open_alarm is None:
            return 0
        _clear_offline(open_alarm, at)
        return 1
    if open_alarm is not None:
        return 0
    alarm = Alarm.objects.create(
        device_id=device_id,
        kind=AlarmKind.OFFLINE,
        level=1,
        peak_level=1,
        raised_at=at,
        history=[_moment(at, 1, None)],
    )
    record_event(alarm, "iot.device_offline", by=None)
    device = Device.objects.select_related("area", "risk_point").get(pk=device_id)
    _tell_offline(alarm, device)
    return 1


def _clear_offline(alarm: Alarm, at: datetime) -> None:
    alarm.cleared_at = at
    alarm.state = AlarmState.CLEARED
    alarm.history = [*alarm.history, _moment(at, 0, None)]
    alarm.save(update_fields=["cleared_at", "state", "history"])
    record_event(alarm, "iot.device_online", by=None)


def _tell_offline(alarm: Alarm, device: Device) -> None:
    from safeloop.tenants.alerts.models import Channel
    from safeloop.tenants.alerts.services import Message, notify

    plan = plan_for(device.kind, 2)
    notify(
        _people_for(plan, device),
        Message(
            event="iot.device_offline",
            subject=_("Sensor offline: %(device)s at %(where)s")
            % {"device": device.display_name, "where": device.area.display_name},
            body=_("Nobody is watching this point until it is back. Check its power and network."),
            link=tenant_absolute_url(reverse("iot:alarm", args=[alarm.pk])),
        ),
        dedupe_key=f"iot.alarm:{alarm.pk}:offline",
        robots=False,
        channels=[Channel.INBOX],
    )
    alarm.notified_levels = [1]
    alarm.save(update_fields=["notified_levels"])


@transaction.atomic
def acknowledge(alarm: Alarm, *, by) -> Alarm:
    """Someone has seen the alarm and is on it; the episode goes on until the value clears."""
    ensure_can(by, IotPerm.IOT_ACKNOWLEDGE)
    alarm = Alarm.objects.select_for_update().get(pk=alarm.pk)
    if alarm.acknowledged_at is not None:
        raise field_error("alarm", _("This alarm is already acknowledged."), IotErrorCode.ALREADY)
    alarm.acknowledged_at = timezone.now()
    alarm.acknowledged_by = by
    if alarm.state == AlarmState.RAISED:
        alarm.state = AlarmState.ACKNOWLEDGED
    alarm.save(update_fields=["acknowledged_at", "acknowledged_by", "state"])
    record_event(alarm, "iot.alarm_acknowledged", by=by, level=alarm.level)
    return alarm
