"""Billing: plans, Stripe Checkout and Customer Portal, webhooks, the read-only lapse.

Built on the official ``stripe`` library, not dj-stripe. dj-stripe mirrors every
Stripe object in its own tables, which would live in one schema and expect one
Stripe account driven from one place; under django-tenants its models would have
to be shared (public) apps, tied to the tenant model as "subscriber" through a
request callback, and stripe-python upgrades have broken it before. We need one
customer and one subscription per enterprise: their ids and the subscription's
status sit on the public ``Enterprise`` row, the webhook events in the public
``StripeEvent`` table, and the subscription is fetched from Stripe when an event
arrives (so events may come twice or out of order).

* ``stripe_api``: the configured client and Stripe's failures as our own.
* ``services``: checkout, portal, invoicing data, usage (the pages call these).
* ``webhooks``: verify and store an event once; apply it (the Celery task).
* ``safeloop.platform.limits`` and ``safeloop.platform.lapse`` (imported by apps):
  the plan's limits and the read-only workspace.
"""
