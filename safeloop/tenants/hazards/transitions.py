"""The loop's state guard, shared by the loop's services and the major path (major.py
cannot import services.py, which imports it)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from safeloop.tenants.hazards.models import Hazard

ILLEGAL_TRANSITION = "illegal_transition"


def require_state(hazard: Hazard, *allowed: str) -> None:
    """Refuse a step the hazard's state does not allow, naming the state."""
    if hazard.state not in allowed:
        raise ValidationError(
            _("This hazard is %(state)s; that step is not possible now.")
            % {"state": hazard.get_state_display()},
            code=ILLEGAL_TRANSITION,
        )
