"""Finding the pass a guard means (出入证查找): what the camera read, a pasted pass URL, or
the pass number typed from the card.

A pass URL opens only on the host it was printed for: a URL naming another
enterprise's host resolves to nothing here, even before its token is looked up, so a
pass of another site never turns green at this gate whatever its token.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

from safeloop.contractors.models import SitePass
from safeloop.platform.urls_util import tenant_hosts

# What pass_number() hands out: SP and the worker's id in six digits (more past a million).
PASS_NUMBER = re.compile(r"^SP\d{6,}$", re.IGNORECASE)
# A token as new_pass_token() makes it (URL-safe base64).
TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,32}$")


def pass_for_number(number: str) -> SitePass | None:
    """The pass printed with ``number`` (SP000123), here."""
    number = (number or "").strip().upper()
    if not PASS_NUMBER.match(number):
        return None
    return (
        SitePass.objects.select_related("worker__company", "worker__crew")
        .filter(number=number)
        .first()
    )


def _token_from_url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme and parts.scheme not in {"http", "https"}:
        return ""
    if parts.netloc:
        if (parts.hostname or "").lower() not in tenant_hosts():
            return ""
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        return ""
    if match.view_name != "portal:pass":
        return ""
    return match.kwargs.get("token", "")


def token_from_input(text: str) -> str:
    """The pass token ``text`` names here: a pass URL of this enterprise's host (the QR
    code), a path (/p/pass/<token>/), a pass number, or a bare token. An empty string
    when it names nothing of this site (the gate then shows red)."""
    text = (text or "").strip()
    if not text or len(text) > 500:
        return ""
    if PASS_NUMBER.match(text):
        site_pass = pass_for_number(text)
        return site_pass.token if site_pass is not None else ""
    if "/" in text or ":" in text:
        return _token_from_url(text)
    return text if TOKEN.match(text) else ""
