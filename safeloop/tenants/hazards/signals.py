"""Signals other areas listen to, so hazards need not know them.

``hazard_reported`` is sent inside ``report_hazard``'s transaction, after the
hazard is saved and routed (kwargs: ``hazard``, ``by``): a receiver's writes
commit or roll back with the report (the risk register flags its risk points
for re-assessment this way).
"""

from django.dispatch import Signal

hazard_reported = Signal()
