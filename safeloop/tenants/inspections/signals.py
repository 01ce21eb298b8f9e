"""Signals other areas listen to, so inspections need not know them.

``answer_reported`` is sent inside ``create_hazard_from_answer``'s transaction
once a failed answer became a hazard (kwargs: ``answer``, ``hazard``, ``by``);
the risk register uses it to find the control measure whose check failed.
"""

from django.dispatch import Signal

answer_reported = Signal()
