"""Contractor workers, their special operation certificates and privacy consents."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from safeloop.contractors import pii


class WorkType(models.TextChoices):
    GENERAL = "general", _("General labour")
    WELDER = "welder", _("Welder")
    ELECTRICIAN = "electrician", _("Electrician")
    WORK_AT_HEIGHT = "height", _("Work at height")
    SCAFFOLDER = "scaffolder", _("Scaffolder")
    CRANE = "crane", _("Crane and rigging")
    CONFINED_SPACE = "confined_space", _("Confined space")
    MAINTENANCE = "maintenance", _("Equipment maintenance")


class ContractorWorker(models.Model):
    """A worker of a contractor company. The ID number is personal information:
    encrypted at rest, matched by a keyed hash, shown masked (safeloop/contractors/pii.py).
    """

    company = models.ForeignKey(
        "contractors.ContractorCompany", on_delete=models.PROTECT, related_name="workers"
    )
    crew = models.ForeignKey(
        "contractors.Crew",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workers",
        verbose_name=_("crew"),
    )
    name = models.CharField(_("name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    photo = models.ImageField(_("photo"), upload_to="contractors/workers/", blank=True)
    # Fernet token, keyed hash and masked form of the ID number: see pii.protect().
    id_number_token = models.TextField(editable=False)
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    work_types = ArrayField(
        models.CharField(max_length=20, choices=WorkType.choices),
        default=list,
        blank=True,
        verbose_name=_("work types"),
    )
    # The person the worker signs in as (induction courses and exams; a crew lead's
    # portal): made by the contractor services, of kind "contractor".
    person = models.OneToOneField(
        "facilities.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contractor_worker",
    )
    # Blacklisted by a manager (黑名单): no pass, no registration through the gate.
    blacklisted_at = models.DateTimeField(null=True, blank=True)
    blacklist_reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("contractor worker")

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<ContractorWorker {self.pk}: {self.name} {self.id_number_masked}>"

    def get_absolute_url(self) -> str:
        return reverse("contractors:worker", args=[self.pk])

    def work_type_labels(self) -> list[str]:
        labels = dict(WorkType.choices)
        return [str(labels.get(value, value)) for value in self.work_types]


class CertificateKind(models.TextChoices):
    """Special operation categories (特种作业目录, 原安监总局令第30号)."""

    ELECTRICAL = "electrical", _("Electrical work (电工作业)")
    WELDING = "welding", _("Welding and hot cutting (焊接与热切割作业)")
    HEIGHT = "height", _("Work at height (高处作业)")
    REFRIGERATION = "refrigeration", _("Refrigeration and air conditioning (制冷与空调作业)")
    HAZARDOUS_CHEMICALS = "chemicals", _("Hazardous chemicals (危险化学品安全作业)")
    METALLURGY = "metallurgy", _("Metallurgy (冶金（有色）生产安全作业)")
    MINE = "mine", _("Mine safety (金属非金属矿山安全作业)")


class SpecialCertificate(models.Model):
    """A special operation certificate (特种作业操作证) of a worker."""

    worker = models.ForeignKey(
        ContractorWorker, on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField(_("operation type"), max_length=20, choices=CertificateKind.choices)
    number = models.CharField(_("certificate number"), max_length=40)
    issuer = models.CharField(_("issued by"), max_length=120)
    valid_until = models.DateField(_("valid until"))
    card_photo = models.ImageField(
        _("photo of the card"), upload_to="contractors/cards/", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["valid_until", "id"]
        verbose_name = _("special operation certificate")
        constraints = [
            models.UniqueConstraint(
                fields=["worker", "kind", "number"], name="contractors_certificate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number_shown}"

    @property
    def number_shown(self) -> str:
        """The number as pages, exports and the API show it: the holder's ID number
        inside it (T + ID number is the usual form) masked."""
        return pii.mask_embedded_ids(self.number)


class PrivacyConsent(models.Model):
    """A worker's consent to the privacy notice: which version, which exact text
    (SHA-256 of what was shown), when and from where."""

    worker = models.ForeignKey(ContractorWorker, on_delete=models.CASCADE, related_name="consents")
    notice_version = models.CharField(max_length=20)
    text_hash = models.CharField(max_length=64)
    given_at = models.DateTimeField()
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("privacy consent")

    def __str__(self) -> str:
        return f"{self.notice_version} @ {self.given_at:%Y-%m-%d}"
