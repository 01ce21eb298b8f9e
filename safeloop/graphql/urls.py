"""/graphql/ on enterprise hosts (included from safeloop/platform/urls_tenant.py)."""

from django.urls import path

from safeloop.graphql.views import graphql_view

urlpatterns = [
    path("", graphql_view, name="graphql"),
]
