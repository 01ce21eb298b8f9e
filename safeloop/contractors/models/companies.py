"""Contractor companies (承包商), their qualifications, projects and crews."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CompanyStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("contractor company", "Active")
    BLACKLISTED = "blacklisted", _("Blacklisted")


class ContractorCompany(models.Model):
    """A company whose crews work on the enterprise's site (承包商 / 相关方单位)."""

    name = models.CharField(_("company name"), max_length=120)
    # 统一社会信用代码, GB 32100-2015: validated with its check character by the services.
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CompanyStatus.choices, default=CompanyStatus.ACTIVE
    )
    blacklist_reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("contractor company")
        verbose_name_plural = _("contractor companies")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("contractors:company", args=[self.pk])

    @property
    def is_blacklisted(self) -> bool:
        return self.status == CompanyStatus.BLACKLISTED


class QualificationKind(models.TextChoices):
    SAFETY_LICENCE = "safety_licence", _("Work safety licence (安全生产许可证)")
    QUALIFICATION = "qualification", _("Qualification certificate (资质证书)")
    BUSINESS_LICENCE = "business_licence", _("Business licence (营业执照)")
    OTHER = "other", _("Other licence")


class Qualification(models.Model):
    """A licence or qualification certificate of a company, with its scan and expiry."""

    company = models.ForeignKey(
        ContractorCompany, on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=QualificationKind.choices)
    number = models.CharField(_("certificate number"), max_length=60)
    # The scan (PDF or picture) through the storage API: the key starts with the schema.
    file = models.FileField(_("scan"), upload_to="contractors/qualifications/", blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["valid_until", "id"]
        verbose_name = _("qualification")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind", "number"], name="contractors_qualification_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Project(models.Model):
    """The work a company does on the site (工程项目 / 作业任务): when, where, and who of
    the enterprise answers for it."""

    company = models.ForeignKey(
        ContractorCompany, on_delete=models.CASCADE, related_name="projects"
    )
    name = models.CharField(_("project name"), max_length=120)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    areas = models.ManyToManyField(
        "facilities.Area", related_name="contractor_projects", blank=True, verbose_name=_("areas")
    )
    responsible = models.ForeignKey(
        "facilities.Person",
        on_delete=models.PROTECT,
        related_name="contractor_projects",
        verbose_name=_("responsible person"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("project")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="contractors_project_dates",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Crew(models.Model):
    """A crew (班组) of a company on one project, led by one of its workers."""

    company = models.ForeignKey(ContractorCompany, on_delete=models.CASCADE, related_name="crews")
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="crews"
    )
    name = models.CharField(_("crew name"), max_length=60)
    lead = models.ForeignKey(
        "contractors.ContractorWorker",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("crew lead"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("crew")
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="contractors_crew_unique")
        ]

    def __str__(self) -> str:
        return self.name
