from __future__ import annotations

from collections.abc import Callable

from safeloop.tenants.alerts.models import Channel, Notification


def backend_for(channel: str) -> Callable[[Notification], None]:
    from safeloop.tenants.alerts.channels import email, robots, sms, webhook

    backends = {
        Channel.EMAIL: email.send,
        Channel.SMS: sms.send,
        Channel.WECOM: robots.send_wecom,
        Channel.DINGTALK: robots.send_dingtalk,
        Channel.FEISHU: robots.send_feishu,
        Channel.WEBHOOK: webhook.send,
    }
    return backends[Channel(channel)]
