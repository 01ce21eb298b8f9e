"""Forms of the notification pages: they parse input; the services own the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from safeloop.tenants.alerts.models import ROBOT_CHANNELS, Channel, Robot, RobotEvent
from safeloop.web.forms import ShellForm


class ChannelsForm(ShellForm):
    channels = forms.MultipleChoiceField(
        label=_("also send my notifications by"),
        choices=[(Channel.EMAIL.value, _("Email")), (Channel.SMS.value, _("SMS"))],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class RobotForm(ShellForm):
    name = forms.CharField(label=_("name"), max_length=80)
    kind = forms.ChoiceField(label=_("kind"), choices=[(c.value, c.label) for c in ROBOT_CHANNELS])
    webhook_url = forms.URLField(
        label=_("webhook URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Copy it from the group's robot settings in WeCom, DingTalk or Feishu."),
    )
    secret = forms.CharField(
        label=_("signing secret"),
        max_length=200,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("DingTalk (SEC…) and Feishu robots with signature verification on."),
    )
    clear_secret = forms.BooleanField(label=_("remove the signing secret"), required=False)
    events = forms.MultipleChoiceField(
        label=_("events to post"),
        choices=RobotEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every event."),
    )
    is_active = forms.BooleanField(label=_("active"), required=False)

    def __init__(self, *args, robot: Robot | None = None, **kwargs):
        self.robot = robot
        if robot is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": robot.name,
                    "kind": robot.kind,
                    "webhook_url": robot.webhook_url,
                    "events": list(robot.events),
                    "is_active": robot.is_active,
                },
            )
        else:
            kwargs.setdefault("initial", {"kind": Channel.WECOM.value})
        super().__init__(*args, **kwargs)
        if robot is None:
            del self.fields["clear_secret"]
            del self.fields["is_active"]
        elif robot.secret:
            self.fields["secret"].help_text = _("A secret is set. Leave this empty to keep it.")
        else:
            del self.fields["clear_secret"]

    def changes(self) -> dict:
        """What to pass to update_robot: the changed fields, the secret only when replaced."""
        data = self.cleaned_data
        changes = {
            name: data[name]
            for name in ("name", "kind", "webhook_url", "events", "is_active")
            if name in self.changed_data
        }
        if data.get("clear_secret"):
            changes["secret"] = ""
        elif data.get("secret"):
            changes["secret"] = data["secret"]
        return changes
