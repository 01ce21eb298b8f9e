"""Relay nodes whose global IDs belong to one enterprise.

A global ID is ``base64("Area:<schema>.<pk>")``. Every enterprise numbers its
rows from 1, so a bare primary key from Globex would name some Acme row; with
the schema inside the ID, an ID from another enterprise resolves to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet
from strawberry import Info, relay
from strawberry_django.optimizer import optimize
from strawberry_django.queryset import run_type_get_queryset
from strawberry_django.utils.typing import get_django_definition


class TenantNode(relay.Node):
    """Base of every node type: IDs carry the schema they were issued in."""

    # The row's primary key holds the node ID. Said here because strawberry-django
    # otherwise looks for a ``NodeID`` annotation on every node it lists, evaluating
    # each type's annotations again per request (a tenth of a hazard page's time).
    _id_attr = "pk"

    @classmethod
    def resolve_id(cls, root: Any, *, info: Info) -> str:
        return f"{connection.schema_name}.{root.pk}"

    @classmethod
    def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        node_ids = list(node_ids)
        pks = {node_id: local_pk(node_id) for node_id in node_ids}
        found = {
            str(obj.pk): obj
            for obj in optimize(
                visible(cls, info).filter(pk__in=[pk for pk in pks.values() if pk is not None]),
                info,
            )
        }
        nodes = [found.get(pks[node_id] or "") for node_id in node_ids]
        if required and None in nodes:
            raise cls.model_does_not_exist()
        return nodes

    @classmethod
    def resolve_node(cls, node_id: str, *, info: Info, required: bool = False) -> Any:
        return cls.resolve_nodes(info=info, node_ids=[node_id], required=required)[0]

    @classmethod
    def model_does_not_exist(cls) -> type[Exception]:
        return get_django_definition(cls, strict=True).model.DoesNotExist


def local_pk(node_id: str) -> str | None:
    """The primary key inside a node ID, or None when it was issued by another schema."""
    schema, _sep, pk = node_id.rpartition(".")
    if schema != connection.schema_name or not pk.isdigit():
        return None
    return pk


def type_name(node_type: type) -> str:
    return node_type.__strawberry_definition__.name


def visible(node_type: type, info: Info) -> QuerySet:
    """All rows of the node's model that the viewer may see (the type's get_queryset)."""
    model = get_django_definition(node_type, strict=True).model
    return run_type_get_queryset(model._default_manager.all(), node_type, info)


def node_pk(global_id: relay.GlobalID, node_type: type) -> str | None:
    """The primary key a global ID names if it is of this type and this enterprise."""
    if global_id.type_name != type_name(node_type):
        return None
    return local_pk(global_id.node_id)


def lookup(node_type: type, global_id: relay.GlobalID, info: Info, *, optimized: bool = True):
    """The visible row a global ID names (None otherwise), optimized for the query."""
    pk = node_pk(global_id, node_type)
    if pk is None:
        return None
    qs = visible(node_type, info).filter(pk=pk)
    return (optimize(qs, info) if optimized else qs).first()


def global_id(type_name: str, obj: Model) -> str:
    """The global ID of a row of the current schema, as the API shows it."""
    return str(relay.GlobalID(type_name, f"{connection.schema_name}.{obj.pk}"))
