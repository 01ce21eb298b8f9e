"""What contractors do when something happens elsewhere: a training certificate
issued or revoked (learning) can make or break a contractor worker's site pass."""

from __future__ import annotations

from django.db.models.signals import post_save
from django.dispatch import receiver

from safeloop.learning.models import Certificate


@receiver(post_save, sender=Certificate, dispatch_uid="contractors-training-certificate")
def training_certificate_saved(sender, instance: Certificate, raw=False, **kwargs):
    if raw:
        return
    from safeloop.contractors.models import ContractorWorker
    from safeloop.contractors.services.passes import refresh_after_commit

    workers = ContractorWorker.objects.filter(person_id=instance.person_id)
    if workers.exists():
        refresh_after_commit(workers, "training")
