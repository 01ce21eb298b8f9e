"""The HQ and authority API on the public host (/hq/graphql/): rankings and each
site's KPIs over a period, for HQ and authority accounts only — aggregates, never
an enterprise's records. The score is platform.scoring's, the sites
platform.oversight's (a site that left is gone at once)."""

from __future__ import annotations

from datetime import date

import strawberry
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils.translation import gettext as _
from strawberry import Info
from strawberry.django.views import GraphQLView

from safeloop.platform import oversight, scoring

PERIODS = (30, 90, 180, 365)


@strawberry.type(name="HqKpi", description="One indicator pooled over the period.")
class HqKpi:
    code: str
    title: str
    threshold: float
    weight: int
    measured: bool
    value: float | None = strawberry.field(description="0–1; null without data in the period.")
    numerator: int
    denominator: int


@strawberry.type(name="HqScore", description="A site's score (0–10), grade and advice.")
class HqScore:
    points: float | None
    grade: str
    days_with_figures: int
    advice: list[str]
    kpis: list[HqKpi]


@strawberry.type(name="HqSite", description="A site sharing with this HQ or authority.")
class HqSite:
    id: strawberry.ID
    name: str
    industry: str
    rank: int
    trend: str
    score: HqScore


def _score(s: scoring.Score) -> HqScore:
    return HqScore(
        points=s.points,
        grade=s.grade,
        days_with_figures=s.days,
        advice=list(s.advice),
        kpis=[
            HqKpi(
                code=f.code,
                title=f.title,
                threshold=f.threshold,
                weight=f.weight,
                measured=f.measured,
                value=f.value,
                numerator=f.numerator,
                denominator=f.denominator,
            )
            for f in s.figures
        ],
    )


def _oversight(info: Info):
    return info.context.request.oversight


def _period(days: int) -> int:
    if days not in PERIODS:
        raise ValueError(_("The period must be one of %(periods)s days.") % {"periods": PERIODS})
    return days


@strawberry.type
class Query:
    @strawberry.field(description="The sites ranked by score over the last `days` days.")
    def ranking(self, info: Info, days: int = 90) -> list[HqSite]:
        ranks = oversight.ranking(_oversight(info), _period(days))
        return [
            HqSite(
                id=strawberry.ID(str(r.enterprise_id)),
                name=r.name,
                industry=r.industry,
                rank=r.rank,
                trend=r.trend,
                score=_score(r.score),
            )
            for r in ranks
        ]

    @strawberry.field(description="One site's days: the daily figures, newest first.")
    def site_days(self, info: Info, id: strawberry.ID, days: int = 30) -> list[HqDay]:
        enterprise = oversight.site(_oversight(info), int(id) if str(id).isdigit() else -1)
        if enterprise is None:
            return []
        return [
            HqDay(day=row.day, score=_score(scoring.score([row.values])))
            for row in oversight.site_days(enterprise, _period(days))
        ]


@strawberry.type(name="HqDay", description="One day of a site: its indicators.")
class HqDay:
    day: date
    score: HqScore


schema = strawberry.Schema(query=Query)


class HqGraphQLView(GraphQLView):
    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        account = oversight.account_of(request.user)
        if account is None:
            return JsonResponse(
                {
                    "errors": [
                        {
                            "message": _("Sign in with a group HQ or authority account."),
                            "extensions": {"code": "unauthenticated"},
                        }
                    ]
                },
                status=401,
            )
        request.oversight = account.oversight
        return super().dispatch(request, *args, **kwargs)


hq_graphql_view = HqGraphQLView.as_view(
    schema=schema, allow_queries_via_get=False, graphql_ide="graphiql"
)
