"""The /graphql/ endpoint on every enterprise host.

Signed in with the session cookie (CSRF applies, as for any form) or with a
personal API token (`Authorization: Bearer slk_...`, resolved by
BearerTokenMiddleware, no CSRF). Anyone else gets 401 and no data.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from strawberry.django.views import GraphQLView

from safeloop.graphql.schema import schema


class SafeLoopGraphQLView(GraphQLView):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return JsonResponse(
                {
                    "errors": [
                        {
                            "message": _("Sign in or send an API token."),
                            "extensions": {"code": "unauthenticated"},
                        }
                    ]
                },
                status=401,
            )
        return super().dispatch(request, *args, **kwargs)

    def render_graphql_ide(self, request: HttpRequest) -> HttpResponse:
        # GraphiQL sends the csrftoken cookie back as X-CSRFToken; make sure it has one.
        get_token(request)
        return super().render_graphql_ide(request)


# Queries over GET would bypass CSRF and land in logs and caches; a GET from a
# browser gets GraphiQL instead.
graphql_view = SafeLoopGraphQLView.as_view(
    schema=schema,
    allow_queries_via_get=False,
    graphql_ide="graphiql",
    multipart_uploads_enabled=True,  # photos: GraphQL multipart request spec; CSRF still applies
)
