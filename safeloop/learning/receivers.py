"""What learning does when something happens elsewhere.

A person saved (joined, changed job role or area, left): their packs follow them.
This is a ``post_save`` receiver on ``Person`` rather than a call in the facilities
services, so facilities (below learning) imports nothing of it; saves that touch only
other fields (a PIN, a failed PIN count) are skipped.

A person's roles saved: the Wagtail course editors' group follows who may manage
learning (``cms.sync_course_editor``; the /cms/ gate checks the permission itself too).

A course's final quiz passed (``course_passed``): the assignment is done and the
certificate issued, in the grading transaction.
"""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from safeloop.learning.signals import course_passed
from safeloop.tenants.facilities.models import Person

# A save naming only other fields changes nobody's packs.
PLACEMENT_FIELDS = frozenset({"job_role", "job_role_id", "area", "area_id", "user"})


@receiver(post_save, sender=Person, dispatch_uid="learning-person-placement")
def person_saved(sender, instance: Person, created: bool, update_fields=None, raw=False, **kwargs):
    if raw:
        return
    if update_fields is not None and not (set(update_fields) & PLACEMENT_FIELDS):
        return
    from safeloop.learning.assignment_services import sync_person

    sync_person(instance)


@receiver(post_save, sender=Person, dispatch_uid="learning-person-course-editor")
def person_roles_saved(
    sender, instance: Person, created: bool, update_fields=None, raw=False, **kwargs
):
    if raw or (update_fields is not None and "roles" not in update_fields):
        return
    from safeloop.learning.cms import sync_course_editor

    sync_course_editor(instance.user)


@receiver(course_passed, dispatch_uid="learning-course-passed")
def on_course_passed(sender, attempt, **kwargs):
    from safeloop.learning.certificate_services import complete_course

    complete_course(attempt)
