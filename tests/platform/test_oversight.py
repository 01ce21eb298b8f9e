"""Group HQ and district authority: the score formula worked by hand, invitations
(consent, refusals, leaving), and what an HQ account may see on the public host."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from conftest import PASSWORD
from safeloop.platform import oversight, scoring
from safeloop.platform.kpis import store_site_kpis
from safeloop.platform.models import Invitation, Membership, OversightKind

pytestmark = pytest.mark.django_db
HQ_PASSWORD = "Group-HQ-2026!"


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


def kpi(numerator: int, denominator: int) -> dict:
    value = numerator / denominator if denominator else None
    return {"value": value, "numerator": numerator, "denominator": denominator, "measured": True}


UNMEASURED = {"value": None, "numerator": 0, "denominator": 0, "measured": False}


def day(**kpis) -> dict:
    values = {"permits_on_time": UNMEASURED, "ppe_compliance": UNMEASURED}
    values |= {"drill_pass_rate": UNMEASURED}
    return values | kpis


# --- The formula, by hand -----------------------------------------------------------------


def test_no_figures_no_score_not_zero():
    s = scoring.score([])

    assert (s.points, s.grade, s.days, s.advice) == (None, "", 0, ())


def test_targets_met_score_ten_and_beating_a_target_earns_nothing_extra():
    s = scoring.score([day(closure_24h=kpi(20, 20), near_miss_ratio=kpi(9, 10))])

    assert (s.points, s.grade, s.advice) == (10.0, "A", ())


def test_all_overdue_counts_zero_for_closure_weighted_against_the_rest():
    # closure 0/10 (weight 30), near misses 3/10 = target (weight 15): 10 × 15/45
    s = scoring.score([day(closure_24h=kpi(0, 10), near_miss_ratio=kpi(3, 10))])

    assert (s.points, s.grade) == (3.33, "D")
    assert s.advice[0].startswith("Improve the timeliness of hazard rectification")


def test_a_zero_denominator_is_left_out_not_counted_as_zero_or_full():
    # Nothing to close all period: only the near-miss ratio counts, 0.1 / 0.3 of target.
    s = scoring.score([day(closure_24h=kpi(0, 0), near_miss_ratio=kpi(1, 10))])

    closure = next(f for f in s.figures if f.code == "closure_24h")
    assert closure.value is None and closure.achievement is None
    assert s.points == 3.33
    assert len(s.advice) == 1 and "near-miss" in s.advice[0]


def test_days_are_pooled_not_averaged():
    # 1/1 then 0/3: pooled 1/4 = 25 % (a mean of days would say 50 %); 0.25/0.95 × 10.
    s = scoring.score([day(closure_24h=kpi(1, 1)), day(closure_24h=kpi(0, 3))])

    assert next(f for f in s.figures if f.code == "closure_24h").value == 0.25
    assert s.points == 2.63 and s.days == 2


def test_the_two_costliest_shortfalls_are_advised_first():
    s = scoring.score(
        [
            day(
                closure_24h=kpi(90, 100),  # 0.947 of target × 30 → shortfall 1.6
                inspection_completion=kpi(50, 100),  # 0.526 × 25 → 11.8
                training_completion=kpi(70, 100),  # 0.7 × 20 → 6
                near_miss_ratio=kpi(3, 10),
            )
        ]
    )

    assert len(s.advice) == 2
    assert s.advice[0].startswith("Complete the scheduled inspections")
    assert s.advice[1].startswith("Finish the assigned safety training")


@pytest.mark.parametrize(
    ("points", "grade"),
    [(10.0, "A"), (9.0, "A"), (8.99, "B"), (8.0, "B"), (7.86, "C"), (6.0, "C"), (5.99, "D")],
)
def test_grades(points, grade):
    assert scoring.grade_of(points) == grade


def test_running_totals_give_what_pooling_the_days_gives(acme, globex):
    """The ranking reads each site's running totals at the period's edges; whatever the
    days (a gap, unmeasured KPIs, a day taken again later), they must pool as the days do."""
    today = timezone.localdate()
    days = {}
    for n in range(1, 41):
        if n % 7 == 0:
            continue  # a night without a snapshot
        values = day(closure_24h=kpi(n % 4, 4), near_miss_ratio=kpi(n % 3, 5))
        if n % 5 == 0:
            values["near_miss_ratio"] = UNMEASURED
        days[today - timedelta(days=n)] = values
    with schema_context("public"):
        for when, values in sorted(days.items()):
            store_site_kpis(acme.pk, when, values, timezone.now())
            store_site_kpis(globex.pk, when, day(closure_24h=kpi(4, 4)), timezone.now())
        # a past day taken again: every later day's running totals change with it
        redone = today - timedelta(days=30)
        days[redone] = day(closure_24h=kpi(0, 9), near_miss_ratio=kpi(5, 5))
        store_site_kpis(acme.pk, redone, days[redone], timezone.now())
        group = oversight.create_oversight("Running")
        for site in (acme, globex):
            Membership.objects.create(oversight=group, enterprise=site, joined_at=timezone.now())

        for period in (7, 14, 30):
            first, last = scoring.period(period)
            before = scoring.period(period, first - timedelta(days=1))
            ranks = {r.enterprise_id: r for r in oversight.ranking(group, period)}
            expected = scoring.score(v for d, v in days.items() if first <= d <= last)
            previous = scoring.score(v for d, v in days.items() if before[0] <= d <= before[1])
            assert ranks[acme.pk].score == expected
            assert ranks[acme.pk].previous == previous
            assert ranks[globex.pk].score.points == 10.0


# --- Invitations, consent, leaving ---------------------------------------------------------


@pytest.fixture
def group(db):
    return oversight.create_oversight("华东集团 East Group", OversightKind.GROUP)


@pytest.fixture
def hq(group):
    return oversight.create_account(group, "hq@east.test", HQ_PASSWORD)


def test_an_admin_joins_with_a_code_typed_loosely_and_it_is_audited(group, wang, acme):
    from safeloop.tenants.audit.models import AuditEvent

    code = oversight.issue_invitation(group).code

    assert oversight.preview_invitation(code.lower().replace("-", " "), by=wang) == group
    membership = oversight.accept_invitation(code.lower(), by=wang)

    assert membership.enterprise == acme and membership.oversight == group
    assert AuditEvent.objects.filter(verb="oversight.joined").count() == 1
    with pytest.raises(ValidationError, match="already been used"):
        oversight.accept_invitation(code, by=wang)


@pytest.mark.parametrize(
    ("code", "message"),
    [("WXYZ-WXYZ-WXYZ", "not valid"), ("", "not valid"), ("expired", "has expired")],
)
def test_a_wrong_or_expired_code_is_refused_with_a_message(group, wang, code, message):
    if code == "expired":
        invitation = oversight.issue_invitation(group)
        with schema_context("public"):
            Invitation.objects.filter(pk=invitation.pk).update(
                expires_at=timezone.now() - timedelta(minutes=1)
            )
        code = invitation.code

    with pytest.raises(ValidationError, match=message):
        oversight.accept_invitation(code, by=wang)
    with schema_context("public"):
        assert not Membership.objects.exists()


def test_only_the_admin_or_principal_may_share(group, li):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        oversight.accept_invitation(oversight.issue_invitation(group).code, by=li)


def test_the_consent_page_says_who_asks_and_what_they_will_see(group, as_wang):
    code = oversight.issue_invitation(group).code

    html = as_wang.post(
        "/sharing/", {"code": code, "action": "preview"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "华东集团 East Group" in html and 'data-testid="join"' in html
    assert "对方看不到：人员信息、隐患记录、照片" in html  # Wang reads Chinese
    as_wang.post("/sharing/", {"code": code, "action": "join"})
    html = as_wang.get("/sharing/").content.decode()
    assert html.count('data-testid="membership"') == 1


# --- The HQ's pages ------------------------------------------------------------------------


def _figures(enterprise, closed: int, reported: int, days: int = 10, since: int = 1) -> None:
    today = timezone.localdate()
    with schema_context("public"):
        for n in range(since, since + days):
            store_site_kpis(
                enterprise.pk,
                today - timedelta(days=n),
                day(closure_24h=kpi(closed, reported)),
                timezone.now(),
            )


def _join(group, enterprise) -> Membership:
    from safeloop.tenants.facilities.models import Person

    code = oversight.issue_invitation(group).code
    with tenant_context(enterprise):
        admin = Person.objects.filter(roles__contains=["admin"]).first()
        return oversight.accept_invitation(code, by=admin.user)


@pytest.fixture
def ranked(group, acme, globex):
    _figures(acme, 19, 20)
    _figures(globex, 10, 20)
    _join(group, acme)
    _join(group, globex)
    connection.set_schema_to_public()
    return group


def test_hq_signs_in_on_the_public_host_and_sees_its_sites_ranked(ranked, hq, public_client):
    response = public_client.post("/hq/login/", {"login": "hq@east.test", "password": HQ_PASSWORD})
    assert response.status_code == 302

    html = public_client.get("/hq/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert html.index("Acme") < html.index("Globex")
    assert 'data-testid="rank-2"' in html and "10.00" in html
    assert "How the score is worked out" in html


def test_an_employee_cannot_sign_in_as_hq(ranked, public_client):
    response = public_client.post("/hq/login/", {"login": "wang@acme.test", "password": PASSWORD})

    assert response.status_code == 200
    assert public_client.get("/hq/").status_code == 302


def test_hq_sees_aggregates_of_its_sites_only_and_a_site_that_left_is_gone(
    ranked, hq, public_client, acme, globex
):
    other = oversight.create_oversight("Other Group")
    outsider = oversight.create_account(other, "hq@other.test", HQ_PASSWORD)
    public_client.force_login(hq.user, backend="safeloop.tenants.accounts.backends.ModelBackend")

    site = public_client.get(f"/hq/sites/{acme.pk}/").content.decode()
    assert "Wang" not in site and "@acme.test" not in site  # no people
    assert 'data-testid="figure-closure_24h"' in site

    membership = Membership.objects.get(enterprise=globex, left_at__isnull=True)
    with tenant_context(globex):
        from safeloop.tenants.facilities.models import Person

        admin = Person.objects.filter(roles__contains=["admin"]).first()
        oversight.leave(membership.pk, by=admin.user)
    connection.set_schema_to_public()
    assert public_client.get(f"/hq/sites/{globex.pk}/").status_code == 404
    ranking, trail = public_client.get("/hq/").content.decode().split('data-testid="hq-trail"')
    assert "Globex" not in ranking  # gone from the ranking; the HQ is told it left:
    assert "Globex Foods 停止共享指标" in trail

    public_client.force_login(
        outsider.user, backend="safeloop.tenants.accounts.backends.ModelBackend"
    )
    assert public_client.get(f"/hq/sites/{acme.pk}/").status_code == 404


def test_the_ranking_costs_the_same_queries_for_two_sites_or_ten_days_more(ranked, group, acme):
    with CaptureQueriesContext(connection) as few:
        oversight.ranking(group, 90)
    _figures(acme, 1, 2, days=30, since=11)
    with CaptureQueriesContext(connection) as more:
        oversight.ranking(group, 90)

    assert len(few) == len(more) <= 3  # sites, running totals at the edges (+ search path)


def test_the_hq_api_answers_hq_accounts_only(ranked, hq, public_client):
    query = {"query": "{ ranking(days: 30) { name rank score { points grade } } }"}

    assert (
        public_client.post("/hq/graphql/", query, content_type="application/json").status_code
        == 401
    )
    public_client.force_login(hq.user, backend="safeloop.tenants.accounts.backends.ModelBackend")
    data = public_client.post("/hq/graphql/", query, content_type="application/json").json()

    assert [s["rank"] for s in data["data"]["ranking"]] == [1, 2]
    assert data["data"]["ranking"][0]["score"]["grade"] == "A"


def test_the_enterprise_sees_its_own_grade_on_its_home(as_wang, acme):
    _figures(acme, 10, 20)

    html = as_wang.get("/w/").content.decode()

    assert 'data-testid="grade-panel"' in html and 'data-testid="own-advice"' in html


def test_a_district_of_many_sees_the_weakest_first_and_the_grades_a_page_at_a_time(
    public_client, monkeypatch
):
    from safeloop.platform import views_oversight
    from safeloop.platform.models import Enterprise

    monkeypatch.setattr(views_oversight, "SITES_PER_PAGE", 2)
    monkeypatch.setattr(views_oversight, "LOW_LISTED", 2)
    district = oversight.create_oversight("示范区应急管理局", OversightKind.DISTRICT)
    account = oversight.create_account(district, "district@many.test", HQ_PASSWORD)
    works = Enterprise.objects.bulk_create(  # figures only: no schema needed
        [
            Enterprise(schema_name=f"many{i}", slug=f"many{i}", name=f"Works {i}", industry="metal")
            for i in range(5)
        ]
    )
    for i, site in enumerate(works):
        _figures(site, 2 + 4 * i, 20)  # closure 10 % … 90 %: D, D, D, C, A
    Membership.objects.bulk_create(
        [Membership(oversight=district, enterprise=e, joined_at=timezone.now()) for e in works]
    )
    public_client.force_login(
        account.user, backend="safeloop.tenants.accounts.backends.ModelBackend"
    )

    html = public_client.get("/hq/?days=30").content.decode()
    low = html[html.index('data-testid="low-graded"') : html.index('data-testid="ranking"')]
    assert low.index("Works 0") < low.index("Works 1") and "Works 2" not in low
    assert "另有 2 家 C级、D级企业" in low
    ranking = html[html.index('data-testid="ranking"') :]
    assert 'data-testid="rank-1"' in ranking and "Works 4" in ranking and "Works 3" in ranking
    assert "Works 2" not in ranking and 'data-testid="next-page"' in ranking

    last = public_client.get("/hq/?days=30&page=3").content.decode()
    assert 'data-testid="rank-5"' in last and "Works 0" in last and "Works 4" not in last


def test_the_hq_sees_its_open_codes_and_a_withdrawn_one_is_refused(
    group, hq, public_client, wang, acme
):
    other = oversight.issue_invitation(oversight.create_oversight("Other Group"))
    code = oversight.issue_invitation(group)
    connection.set_schema_to_public()
    public_client.force_login(hq.user, backend="safeloop.tenants.accounts.backends.ModelBackend")

    html = public_client.get("/hq/").content.decode()
    assert code.code in html and other.code not in html  # only its own codes

    assert public_client.post(f"/hq/invitations/{other.pk}/withdraw/").status_code == 302
    other.refresh_from_db()
    assert other.expires_at > timezone.now()  # another HQ's code is not found, not touched
    public_client.post(f"/hq/invitations/{code.pk}/withdraw/")
    page = public_client.get("/hq/").content.decode()
    assert f"邀请码 {code.code} 已撤回" in page
    assert 'data-testid="open-invitations"' not in page

    with tenant_context(acme), pytest.raises(ValidationError, match="已过期"):
        oversight.accept_invitation(code.code, by=wang)


def test_the_operator_sets_up_an_hq_and_ends_a_persons_access(public_client):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from safeloop.platform.models import Oversight

    out = StringIO()
    call_command("oversight", "create", "西部集团", "--email", "HQ@West.test", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if x.startswith("Sign-in for"))
    password = line.split(" / ")[1].split(" ")[0]
    login = {"login": "hq@west.test", "password": password}
    assert public_client.post("/hq/login/", login).status_code == 302
    with pytest.raises(CommandError, match="already has an account"):
        west = Oversight.objects.get(name="西部集团")
        call_command("oversight", "add-account", str(west.pk), "--email", "hq@west.test")
    with pytest.raises(CommandError, match="not an e-mail address"):
        call_command("oversight", "create", "东部集团", "--email", "nobody")

    call_command("oversight", "remove-account", "--email", "hq@west.test", stdout=StringIO())

    assert public_client.get("/hq/").status_code == 302  # the open session ends too
    assert public_client.post("/hq/login/", login).status_code == 200
    listing = StringIO()
    call_command("oversight", "list", stdout=listing)
    assert "西部集团" in listing.getvalue() and "hq@west.test" not in listing.getvalue()


def test_the_hq_reads_who_made_and_withdrew_codes_and_which_site_joined(
    group, hq, public_client, acme
):
    other = oversight.create_oversight("Other Group")
    oversight.issue_invitation(other)
    membership = _join(group, acme)  # the site's admin agreed, at the site
    connection.set_schema_to_public()
    public_client.force_login(hq.user, backend="safeloop.tenants.accounts.backends.ModelBackend")
    public_client.post("/hq/invitations/")
    code = oversight.open_invitations(group)[0]
    public_client.post(f"/hq/invitations/{code.pk}/withdraw/")
    with tenant_context(acme):
        from safeloop.tenants.facilities.models import Person

        admin = Person.objects.filter(roles__contains=["admin"]).first()
        oversight.leave(membership.pk, by=admin.user)
    connection.set_schema_to_public()

    events = [(e.action, e.actor, e.text) for e in oversight.recent_events(group)]

    site = acme.name
    assert events[:4] == [
        ("site.left", "", f"{site} 停止共享指标"),
        ("invitation.withdrawn", "hq@east.test", f"撤回了邀请码 {code.code}"),
        ("invitation.issued", "hq@east.test", f"生成了邀请码 {code.code}"),
        ("site.joined", "", f"{site} 开始共享指标"),  # not who at the site agreed
    ]
    assert events[-1][:2] == ("account.added", "")  # the command line, before any code
    html = public_client.get("/hq/").content.decode()
    assert 'data-testid="hq-trail"' in html and f"撤回了邀请码 {code.code}" in html
    assert not oversight.recent_events(other)[0].actor  # the other HQ's own code only
    assert len(oversight.recent_events(other)) == 1
