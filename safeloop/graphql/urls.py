"""/graphql/ on enterprise hosts (included from safeloop/platform/urls_tenant.py)."""

from django.urls import path

from safeloop.graphql.views import graphql_view
from safeloop.platform.lapse import graphql_endpoint

# In a read-only workspace its posts are judged by the mutation they run.
graphql_endpoint("graphql")

urlpatterns = [
    path("", graphql_view, name="graphql"),
]
