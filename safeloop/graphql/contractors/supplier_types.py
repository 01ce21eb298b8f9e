"""Supplier (供应商) types: suppliers and their monthly safety self-inspection reports
(安全自查报告) with each item's answer, attachments and the reviewer's comment.

Visibility comes from ``safeloop.contractors.services.scope``: the enterprise's
contractor staff see every supplier; a supplier's own account sees its own row and
reports, never another supplier's.
"""

from __future__ import annotations

import os

import strawberry_django
from django.db.models import QuerySet
from strawberry import Info, auto

from safeloop.contractors import models
from safeloop.contractors.services import scope
from safeloop.graphql.contractors.enums import ItemResult, ReportStatus
from safeloop.graphql.nodes import TenantNode
from safeloop.graphql.permissions import current_user


@strawberry_django.type(
    models.Supplier,
    name="Supplier",
    description="A supplier whose site reports its safety self-inspection every month.",
)
class SupplierType(TenantNode):
    name: auto
    credit_code: auto = strawberry_django.field(
        description="Unified social credit code (统一社会信用代码), 18 characters."
    )
    contact_name: auto
    phone: auto
    active: auto = strawberry_django.field(description="False: no longer asked for reports.")
    created_at: auto
    reports: list[SupplierReportType] = strawberry_django.field(
        description="Its monthly reports, newest month first."
    )

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return scope.suppliers(current_user(info), queryset)


@strawberry_django.type(
    models.SelfInspectionReport,
    name="SupplierReport",
    description="A supplier's safety self-inspection report for one month: answered item by "
    "item, submitted, then accepted or returned with comments and resubmitted.",
)
class SupplierReportType(TenantNode):
    supplier: SupplierType
    period: auto = strawberry_django.field(description="The month (its first day).")
    due_on: auto
    status: ReportStatus
    submitted_at: auto = strawberry_django.field(description="When it was last submitted.")
    reviewed_at: auto = strawberry_django.field(description="When it was last reviewed.")
    answers: list[SupplierReportItemType] = strawberry_django.field(
        description="One answer per checklist item, in the checklist's order."
    )

    @strawberry_django.field(only=["form__title"], select_related=["form"])
    def form_title(self, root: models.SelfInspectionReport) -> str:
        """The title of the checklist the report answers."""
        return root.form.title

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return scope.reports(current_user(info), queryset)


@strawberry_django.type(
    models.ReportItem,
    name="SupplierReportItem",
    description="The supplier's answer to one checklist item, and the reviewer's comment.",
)
class SupplierReportItemType(TenantNode):
    comment: auto = strawberry_django.field(description="The supplier's note.")
    reviewer_comment: auto = strawberry_django.field(
        description="What the reviewer asks to correct; empty when nothing."
    )
    attachments: list[SupplierReportAttachmentType] = strawberry_django.field(
        description="PDFs and pictures with the answer."
    )

    @strawberry_django.field(only=["result"], description="Null while unanswered.")
    def result(self, root: models.ReportItem) -> ItemResult | None:
        return models.ItemResult(root.result) if root.result else None

    @strawberry_django.field(only=["item__position"], select_related=["item"])
    def position(self, root: models.ReportItem) -> int:
        """The item's number on the checklist, from 1."""
        return root.item.position

    @strawberry_django.field(only=["item__text"], select_related=["item"])
    def text(self, root: models.ReportItem) -> str:
        """The checklist item."""
        return root.item.text

    @strawberry_django.field(only=["item_id"])
    def item_id(self, root: models.ReportItem) -> int:
        """The checklist item's number to answer or comment on (reviewSupplierReport)."""
        return root.item_id

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return scope.report_items(current_user(info), queryset)


@strawberry_django.type(
    models.ReportAttachment,
    name="SupplierReportAttachment",
    description="A PDF or a picture a supplier attached to an answer.",
)
class SupplierReportAttachmentType(TenantNode):
    created_at: auto

    @strawberry_django.field(only=["file"])
    def file_name(self, root: models.ReportAttachment) -> str:
        return os.path.basename(root.file.name)

    @strawberry_django.field(only=["file"])
    def is_pdf(self, root: models.ReportAttachment) -> bool:
        return root.is_pdf

    @classmethod
    def get_queryset(cls, queryset: QuerySet, info: Info, **kwargs) -> QuerySet:
        return scope.attachments(current_user(info), queryset)
