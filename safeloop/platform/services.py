"""Provisioning: the one way an enterprise comes to exist (signup, CLI, demo, tests)."""

from __future__ import annotations

import logging
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import (
    get_public_schema_name,
    get_tenant_base_schema,
    schema_exists,
    tenant_context,
)

from safeloop.platform.cloning import clone_schema
from safeloop.platform.dbconn import shed_catalog_cache
from safeloop.platform.errors import field_error
from safeloop.platform.industry import TemplateError, apply_template, get_template
from safeloop.platform.migrating import TenantMigrationRun, TenantSchemasMissing, migrate_tenants
from safeloop.platform.models import Domain, Enterprise

log = logging.getLogger(__name__)

SLUG_RE = re.compile(r"^[a-z][a-z0-9-]{1,28}[a-z0-9]$")
# Host names we serve ourselves or that would mislead users.
RESERVED_SLUGS = frozenset(
    {
        "www",
        "admin",
        "api",
        "public",
        "app",
        "apps",
        "static",
        "media",
        "mail",
        "smtp",
        "ftp",
        "graphql",
        "status",
        "health",
        "healthz",
        "help",
        "support",
        "docs",
        "blog",
        "cdn",
        "assets",
        "auth",
        "login",
        "signup",
        "account",
        "accounts",
        "billing",
        "dashboard",
        "hq",
        "portal",
        "safeloop",
        "test",
        "demo-template",
        "tenant-base",
        "localhost",
        "root",
        "system",
        "internal",
    }
)


class SignupErrorCode:
    SLUG_FORMAT = "slug_format"
    SLUG_RESERVED = "slug_reserved"
    SLUG_TAKEN = "slug_taken"
    BAD_EMAIL = "bad_email"
    WEAK_PASSWORD = "weak_password"
    UNKNOWN_INDUSTRY = "unknown_industry"
    REQUIRED = "required"


def schema_name_for(slug: str) -> str:
    return slug.replace("-", "_")


def validate_slug(slug: str) -> str:
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug) or "--" in slug:
        raise field_error(
            "slug",
            _("Use 3 to 30 lowercase letters, digits or hyphens, starting with a letter."),
            SignupErrorCode.SLUG_FORMAT,
        )
    if slug in RESERVED_SLUGS or slug.startswith("pg") or slug.startswith("tenant"):
        raise field_error(
            "slug",
            _("This sub-domain is reserved. Please choose another."),
            SignupErrorCode.SLUG_RESERVED,
        )
    if Enterprise.objects.filter(slug=slug).exists() or schema_exists(schema_name_for(slug)):
        raise field_error(
            "slug", _("This sub-domain is already taken."), SignupErrorCode.SLUG_TAKEN
        )
    return slug


@dataclass(frozen=True)
class SignupData:
    company_name: str
    slug: str
    industry: str
    admin_name: str
    admin_email: str
    admin_password: str
    language: str = "zh-hans"


def validate_signup(data: SignupData) -> None:
    """Check everything before anything is written; collect all field errors at once."""
    errors: dict[str, list[ValidationError]] = {}

    def add(field: str, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            found = [e for errs in exc.error_dict.values() for e in errs]
        else:
            found = exc.error_list
        errors.setdefault(field, []).extend(found)

    if not data.company_name.strip():
        add(
            "company_name",
            ValidationError(_("Enter your company name."), code=SignupErrorCode.REQUIRED),
        )
    if not data.admin_name.strip():
        add("admin_name", ValidationError(_("Enter your name."), code=SignupErrorCode.REQUIRED))
    try:
        validate_slug(data.slug)
    except ValidationError as exc:
        add("slug", exc)
    try:
        get_template(data.industry)
    except TemplateError:
        add(
            "industry",
            ValidationError(_("Choose an industry."), code=SignupErrorCode.UNKNOWN_INDUSTRY),
        )
    try:
        validate_email(data.admin_email.strip())
    except ValidationError:
        add(
            "admin_email",
            ValidationError(_("Enter a valid email address."), code=SignupErrorCode.BAD_EMAIL),
        )
    probe_user = get_user_model()(
        username=data.admin_email, email=data.admin_email, first_name=data.admin_name
    )
    try:
        validate_password(data.admin_password, probe_user)
    except ValidationError as exc:
        add(
            "admin_password",
            ValidationError(
                [ValidationError(m, code=SignupErrorCode.WEAK_PASSWORD) for m in exc.messages]
            ),
        )
    if errors:
        raise ValidationError(errors)


_HASHER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="signup-hash")


def provision_enterprise(data: SignupData, *, trial_days: int | None = None) -> Enterprise:
    """Create an enterprise: registry rows, cloned schema, template, first admin.

    Everything happens in one transaction. PostgreSQL DDL is transactional, so
    a failure at any step rolls back the schema along with the rows: no orphan
    schema, user or domain is left behind.
    """
    validate_signup(data)
    template = get_template(data.industry)
    slug = data.slug.strip().lower()
    started = time.perf_counter()
    # The admin's password hash (PBKDF2, ~0.4 s of CPU that releases the GIL) is worked
    # out beside the schema clone, which mostly waits on PostgreSQL.
    hashing = _HASHER.submit(make_password, data.admin_password)
    try:
        with transaction.atomic():
            enterprise = Enterprise(
                schema_name=schema_name_for(slug),
                slug=slug,
                name=data.company_name.strip(),
                industry=template.key,
                template_version=template.version,
                default_language=data.language
                if data.language in dict(settings.LANGUAGES)
                else "zh-hans",
            )
            enterprise.start_trial(trial_days)
            enterprise.save()
            Domain.objects.create(domain=enterprise.host, tenant=enterprise, is_primary=True)
            clone_base_schema(enterprise.schema_name)
            with tenant_context(enterprise):
                from safeloop.learning.cms import ensure_tenant_site

                # The cloned Wagtail root, site and collection become this enterprise's.
                ensure_tenant_site(enterprise.host, name=enterprise.name)
                apply_template(enterprise, template)
                from safeloop.tenants.facilities.services import create_first_admin

                create_first_admin(
                    email=data.admin_email,
                    full_name=data.admin_name,
                    password=data.admin_password,
                    password_hash=hashing.result(),
                    language=data.language,
                )
                from safeloop.tenants.audit.services import record_event

                record_event(
                    None,
                    "enterprise.provisioned",
                    object_type="enterprise",
                    object_id=enterprise.schema_name,
                    industry=template.key,
                    template_version=template.version,
                )
    except IntegrityError as exc:
        # Two signups raced for the same sub-domain; the loser gets the usual message.
        raise field_error(
            "slug", _("This sub-domain is already taken."), SignupErrorCode.SLUG_TAKEN
        ) from exc
    finally:
        connection.set_schema_to_public()
    shed_catalog_cache()  # the new schema's ~1,000 catalog entries leave with the backend
    log.info("provisioned %s (%s) in %.2fs", slug, template.key, time.perf_counter() - started)
    return enterprise


def clone_base_schema(schema_name: str) -> None:
    base = get_tenant_base_schema()
    if not schema_exists(base):
        raise RuntimeError(
            f"The base schema {base!r} does not exist: run `safeloop migrate` first."
        )
    # The copy carries django_migrations and Wagtail's root page/site/locale too,
    # so the clone needs no migration run of its own.
    clone_schema(base, schema_name)


def migrate_all(*, verbosity: int = 1) -> TenantMigrationRun:
    """Migrate public, the base schema (which has no tenant row) and the tenants that
    miss a migration the base has (see safeloop/platform/migrating.py); then gives
    every enterprise that lacks it its own Wagtail site (safeloop/learning/cms.py).

    Raises TenantSchemasMissing, after migrating the rest, if a tenant has no schema.
    """
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
    ensure_public_tenant()
    ensure_base_schema(verbosity=verbosity)
    try:
        run = migrate_tenants(verbosity=verbosity)
    except TenantSchemasMissing:
        ensure_enterprise_sites()
        raise
    ensure_enterprise_sites()
    return run


def ensure_enterprise_sites() -> list[str]:
    """Each enterprise's own Wagtail site, for those made before provisioning set it
    (or whose site was reset); the schema names set. See safeloop/learning/cms.py."""
    from safeloop.learning.cms import ensure_tenant_sites

    enterprises = Enterprise.objects.exclude(schema_name=get_public_schema_name())
    fixed = ensure_tenant_sites(enterprises.order_by("schema_name"))
    if fixed:
        log.info("Wagtail site set for %d enterprise(s): %s", len(fixed), ", ".join(fixed))
    return fixed


def ensure_public_tenant() -> Enterprise:
    """The public schema's registry row and the base domain that routes to it."""
    public, _created = Enterprise.objects.get_or_create(
        schema_name="public", defaults={"slug": "public", "name": "SafeLoop", "industry": ""}
    )
    Domain.objects.get_or_create(
        domain=settings.SAFELOOP_BASE_DOMAIN, defaults={"tenant": public, "is_primary": True}
    )
    return public


def ensure_base_schema(*, verbosity: int = 0) -> None:
    """Create and migrate the data-free schema new tenants are cloned from.

    migrate_schemas only visits schemas with a tenant row; the base has none,
    so it is migrated here explicitly, or later clones would miss tables.
    """
    base = get_tenant_base_schema()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{base}"')
    call_command(
        "migrate_schemas", tenant=True, schema_name=base, interactive=False, verbosity=verbosity
    )
    connection.set_schema_to_public()
