"""Strict readers for 12-factor settings.

A bad value raises ImproperlyConfigured naming the variable, so a typo in a
deployment fails at start-up instead of running with a silent default.
Every reader also accepts ``NAME_FILE`` pointing at a file holding the value
(Docker/Kubernetes secrets).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {exc}") from exc
    value = os.environ.get(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = env_str(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


_RATE = re.compile(r"^\d+/\d*[smhd]$")


def env_rates(name: str, default: list[str]) -> list[str]:
    """Comma-separated django-ratelimit rates such as ``3/10m,10/d``."""
    rates = env_list(name, default)
    for rate in rates:
        if not _RATE.match(rate):
            raise ImproperlyConfigured(
                f"{name} must be rates like 3/10m,10/d (count/[n]s|m|h|d), got {rate!r}"
            )
    return rates
