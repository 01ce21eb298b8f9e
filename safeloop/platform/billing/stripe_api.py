"""The Stripe client as configured, and Stripe's failures as one error of ours.

Every call goes through :func:`client`: one ``StripeClient`` per use, with the
secret key, ``STRIPE_API_BASE`` (a local fake in tests and development), a short
timeout and few retries, so a page never hangs on Stripe.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import stripe
from django.conf import settings
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)


class BillingUnavailable(Exception):
    """Stripe could not do what was asked; nothing of ours was changed. ``str()`` is
    the message for the person who asked."""


def client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise BillingUnavailable(
            _("Online payment is not set up on this installation yet. Please contact support.")
        )
    return stripe.StripeClient(
        api_key=settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=settings.STRIPE_TIMEOUT_SECONDS),
    )


@contextmanager
def stripe_errors() -> Iterator[None]:
    """Turn the library's errors into BillingUnavailable with a message people can act on."""
    try:
        yield
    except stripe.APIConnectionError as exc:
        log.warning("Stripe unreachable: %s", exc)
        raise BillingUnavailable(
            _(
                "Stripe, our payment provider, cannot be reached just now, so nothing was "
                "changed. Please try again in a few minutes."
            )
        ) from exc
    except stripe.StripeError as exc:
        log.error("Stripe refused a request: %s", exc)
        raise BillingUnavailable(
            _(
                "The payment provider refused the request, so nothing was changed. "
                "Please try again or contact support."
            )
        ) from exc
