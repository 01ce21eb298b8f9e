"""Filter conditions every area's list filters share.

An ID from another enterprise (or of another type) matches nothing rather than
failing the query, as a filter on a value nobody has would.
"""

from __future__ import annotations

from django.db.models import Q
from strawberry import relay

from safeloop.graphql.nodes import node_pk


def matching_id(lookup: str, value: relay.GlobalID, node_type: type) -> Q:
    """``lookup`` equals the row ``value`` names, or nothing when it names none."""
    pk = node_pk(value, node_type)
    return Q(**{lookup: pk}) if pk is not None else Q(pk__in=[])


def matching_words(prefix: str, value: str, *fields: str) -> Q:
    """Every word must appear in one of the fields ("Li Na" finds first + last name)."""
    q = Q()
    for word in value.split():
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{prefix}{field}__icontains": word})
        q &= any_field
    return q
