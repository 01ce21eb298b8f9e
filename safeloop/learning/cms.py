"""The Wagtail admin (课程编辑) of an enterprise: who may open it, and its site.

Who may write courses is SafeLoop's rule: the ``learning.manage`` permission,
held through roles (``safeloop/learning/permissions.py``). Wagtail asks its own
questions (``wagtailadmin.access_admin``, page and collection permissions), so
the people who hold ``learning.manage`` are kept in one Django group,
:data:`EDITOR_GROUP`, which holds exactly what writing courses needs: the admin,
pages under the course catalogue, and images and documents in the root collection.

Two places keep that group true, both calling :func:`sync_course_editor`:

* a person saved with new roles (``receivers.py``), so the group follows a role
  change at once;
* every request to ``/cms/`` (:func:`cms_gate`), which first checks the SafeLoop
  permission itself and refuses everyone else with our sign-in page or our 403
  page. The group is therefore never what lets anyone in: a stale membership
  (roles edited with a bulk ``update()``) opens nothing, and a missing one is
  made on the way in.

Wagtail's own user, group and site pages are closed: people and roles are kept on
SafeLoop's people pages, where changes are audited. Its account page (linked from
the sidebar and the dashboard) leads to the person's SafeLoop workspace instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.views import redirect_to_login
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from psycopg import sql

from safeloop.access import can
from safeloop.learning.permissions import LearningPerm
from safeloop.web.guards import forbidden

EDITOR_GROUP = "SafeLoop course editors"

# What a course editor may do with pages under the catalogue, and with files.
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
# Admin sections that would change people, roles or the enterprise's site outside
# SafeLoop's audited services (a superuser could otherwise reach them).
CLOSED_SECTIONS = ("users/", "groups/", "sites/", "locales/")
# Wagtail's account pages (name, e-mail, language, avatar): SafeLoop keeps those.
ACCOUNT_SECTION = "account/"


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def ensure_editor_group() -> Group:
    """The course editors' group with its permissions (made on first use in each schema)."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

    from safeloop.learning.catalogue import course_index

    group, created = Group.objects.get_or_create(name=EDITOR_GROUP)
    index = course_index()
    if not created and GroupPagePermission.objects.filter(group=group, page=index).exists():
        return group
    group.permissions.add(_permission("wagtailadmin", "access_admin"))
    for codename in PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group, page=index, permission=_permission("wagtailcore", codename)
        )
    root = Collection.get_first_root_node()
    for app_label, codename in COLLECTION_PERMISSIONS:
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root, permission=_permission(app_label, codename)
        )
    return group


def sync_course_editor(user, *, by=None) -> bool | None:
    """Put ``user`` in the course editors' group if they may manage learning, take them
    out otherwise; audited when membership changes. Returns the new membership, or
    ``None`` when nothing changed."""
    if user is None or user.pk is None:
        return None
    should = can(user, LearningPerm.LEARNING_MANAGE)
    is_member = user.groups.filter(name=EDITOR_GROUP).exists()
    if should == is_member:
        return None
    from safeloop.tenants.audit.services import record_event

    with transaction.atomic():
        group = ensure_editor_group()
        if should:
            user.groups.add(group)
        else:
            user.groups.remove(group)
        record_event(
            user,
            "learning.course_editor_granted" if should else "learning.course_editor_revoked",
            by=by,
            object_type="auth.user",
            group=EDITOR_GROUP,
        )
    # Django caches a user's permissions on the object; the next check must see the change.
    for attr in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(attr, None)
    return should


def cms_gate(view: Callable) -> Callable:
    """Every Wagtail admin view: our sign-in for the anonymous, our 403 page for people
    without ``learning.manage`` and for the closed sections, the group made true for
    the rest."""

    @wraps(view)
    def gated(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not can(user, LearningPerm.LEARNING_MANAGE):
            return forbidden(request)
        section = request.path_info.removeprefix("/cms/")
        if section.startswith(CLOSED_SECTIONS):
            return forbidden(request)
        if section.startswith(ACCOUNT_SECTION):
            return HttpResponseRedirect(reverse("workspace:home"))
        sync_course_editor(user)
        response = view(request, *args, **kwargs)
        # Wagtail's widgets need inline scripts; the relaxation is for /cms/ only.
        response._csp_replace = settings.SAFELOOP_CMS_CSP_REPLACE
        return response

    return gated


@transaction.atomic
def ensure_tenant_site(host: str, *, name: str = "") -> None:
    """Make the cloned Wagtail tree this enterprise's: the default Site answers for
    ``host`` on the public port, is called ``name`` (the admin's dashboard title) and
    its root is the course catalogue.

    The base schema carries Wagtail's root page, its "Welcome" home page, the
    default Site (``localhost:80``), the root collection and the locale (copied by
    the clone); called by provisioning in the new schema. Idempotent.
    """
    from wagtail.models import Page, Site

    from safeloop.learning.catalogue import course_index
    from safeloop.platform.urls_util import DEFAULT_PORTS

    index = course_index()
    port = str(settings.SAFELOOP_PUBLIC_PORT or DEFAULT_PORTS.get(settings.SAFELOOP_SCHEME, "80"))
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    welcome_page = site.root_page if site.pk else None
    site.hostname = host
    site.port = int(port)
    site.root_page = index
    site.site_name = name
    site.save()
    # Wagtail's "Welcome to your new Wagtail site!" page: a bare Page with nothing under it.
    if (
        welcome_page is not None
        and welcome_page.pk != index.pk
        and welcome_page.specific_class is Page
        and welcome_page.depth == 2
        and not welcome_page.get_children().exists()
    ):
        welcome_page.delete()
    Site.clear_site_root_paths_cache()


# Schemas compared per query (as in safeloop/platform/migrating.py).
_BATCH = 200


def enterprises_without_their_site(enterprises: Sequence[Any]) -> list[Any]:
    """The enterprises whose default Wagtail Site does not answer for their host with
    the course catalogue as its root: made before each enterprise had its own site,
    or reset since. A few queries for any number of schemas; schemas without the
    Wagtail tables (or without a schema at all) are left to the migration step."""
    if not enterprises:
        return []
    by_schema = {enterprise.schema_name: enterprise for enterprise in enterprises}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "WHERE n.nspname = ANY(%s) AND c.relkind = 'r' "
            "AND c.relname IN ('wagtailcore_site', 'learning_courseindexpage') "
            "GROUP BY n.nspname HAVING count(*) = 2",
            [list(by_schema)],
        )
        ready = sorted(name for (name,) in cursor.fetchall())
        lacking: list[Any] = []
        for start in range(0, len(ready), _BATCH):
            batch = ready[start : start + _BATCH]
            parts = [
                sql.SQL(
                    "SELECT {index} WHERE NOT EXISTS (SELECT 1 FROM {schema}.wagtailcore_site s "
                    "JOIN {schema}.learning_courseindexpage i ON i.page_ptr_id = s.root_page_id "
                    "WHERE s.is_default_site AND s.hostname = {host})"
                ).format(
                    index=sql.Literal(index),
                    schema=sql.Identifier(schema),
                    host=sql.Literal(by_schema[schema].host),
                )
                for index, schema in enumerate(batch)
            ]
            cursor.execute(sql.SQL(" UNION ALL ").join(parts).as_string(connection.connection))
            lacking += [by_schema[batch[index]] for (index,) in cursor.fetchall()]
    return sorted(lacking, key=lambda enterprise: enterprise.schema_name)


def ensure_tenant_sites(enterprises: Sequence[Any]) -> list[str]:
    """Give each of ``enterprises`` (tenant rows) that lacks it its own Wagtail site
    (:func:`ensure_tenant_site`); the schema names it fixed.

    ``safeloop migrate`` calls this after the tenants' migrations, so the models fit
    every table (a data migration would run today's Page and Site models on a schema
    still short of later migrations). The base schema has no tenant row and keeps
    Wagtail's ``localhost`` site: a clone gets its host at provisioning.
    """
    from django_tenants.utils import tenant_context

    from safeloop.tenants.audit.services import record_event

    fixed = []
    for enterprise in enterprises_without_their_site(list(enterprises)):
        with tenant_context(enterprise):
            ensure_tenant_site(enterprise.host, name=enterprise.name)
            record_event(
                None,
                "learning.course_site_set",
                object_type="wagtailcore.site",
                object_id=enterprise.host,
                reason="deploy",
            )
        fixed.append(enterprise.schema_name)
    return fixed
