"""Outsiders' API tokens from the managers' pages.

Acme buys steel from Huatai Steel (华泰钢材) and paint from Dongfang Paints (东方涂料).
Wang (admin) opens Huatai's page and issues a token named "ERP" for Huatai's system:
the secret shows once, works against /graphql/ and sees Huatai's row and reports only;
when Wang revokes it, the next call is refused. Hengda Construction's roof crew is led
by Zhao Gang (赵刚); once he has portal access, Wang issues him a token from the crew
lead's page, and it sees Hengda's workers, not Yongxin's. Sun (safety officer) may look
at suppliers but gets no button and a 403; Chen, Globex's admin, finds nothing of
Acme's behind its ids.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from safeloop.contractors import services
from safeloop.contractors.models import Supplier
from safeloop.contractors.services import crew_portal
from safeloop.contractors.validators import id_check_char
from safeloop.tenants.accounts.models import ApiToken
from safeloop.tenants.accounts.services import create_api_token
from safeloop.tenants.audit.models import AuditEvent
from tests.contractors.conftest import HENGDA_CODE, OTHER_CODE, consent

pytestmark = pytest.mark.django_db


def an_id(serial: int) -> str:
    first17 = f"11010119850312{serial:03d}"
    return first17 + id_check_char(first17)


SUPPLIERS = "{ suppliers { edges { node { name } } } }"
REPORTS = "{ supplierReports { edges { node { status supplier { name } } } } }"
WORKERS = "{ contractorWorkers { edges { node { name company { name } } } } }"


@pytest.fixture
def huatai(wang):
    services.set_form(by=wang, title="供应商月度安全自查表", items=["消防通道畅通"])
    huatai = services.create_supplier(by=wang, name="华泰钢材", credit_code=HENGDA_CODE)
    services.open_report(huatai)
    services.open_report(services.create_supplier(by=wang, name="东方涂料", credit_code=OTHER_CODE))
    return huatai


@pytest.fixture
def roof_crew(wang):
    """Hengda's roof crew, led by Zhao Gang (no portal access yet), with Wu Gang; and
    Yongxin's electrician Lin Tao, whom Zhao must not see."""
    hengda = services.create_company(by=wang, name="恒达建设有限公司", credit_code=HENGDA_CODE)
    yongxin = services.create_company(by=wang, name="永信电气有限公司", credit_code=OTHER_CODE)
    crew = services.create_crew(hengda, by=wang, name="屋面班")
    for company, name, number in [
        (hengda, "赵刚", an_id(11)),
        (hengda, "吴刚", an_id(12)),
        (yongxin, "林涛", an_id(23)),
    ]:
        services.register_worker(
            company,
            by=wang,
            name=name,
            id_number_value=number,
            consent=consent(),
            phone="13900139000" if name == "赵刚" else "",
            work_types=["general"],
            crew=crew if company == hengda else None,
        )
    return services.set_crew_lead(crew, by=wang, lead=hengda.workers.get(name="赵刚"))


def api_client() -> Client:
    """The outsider's own system: no session, only the token."""
    return Client(HTTP_HOST=f"acme.{settings.SAFELOOP_BASE_DOMAIN}")


def ask(secret: str, query: str):
    return api_client().post(
        "/graphql/",
        data={"query": query},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def data_of(response) -> dict:
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"]


def secret_on(page) -> str:
    html = page.content.decode()
    start = html.index('value="slk_') + len('value="')
    return html[start : html.index('"', start)]


def test_manager_issues_a_supplier_token_shown_once_that_sees_only_that_supplier(
    as_wang, wang, huatai
):
    page_url = huatai.get_absolute_url()
    before = as_wang.get(page_url)
    assert 'data-testid="api-access"' in before.content.decode()
    assert 'data-testid="no-tokens"' in before.content.decode()

    # when: Wang names a token for Huatai's ERP
    issued = as_wang.post(
        reverse("contractors:supplier_token_issue", args=[huatai.pk]), {"name": "ERP"}
    )

    # then: the secret, the endpoint and a copy hint, once; never cached
    assert issued.status_code == 200
    secret = secret_on(issued)
    html = issued.content.decode()
    assert f"http://acme.{settings.SAFELOOP_BASE_DOMAIN}" in html and "/graphql/" in html
    assert "no-store" in issued["Cache-Control"]
    again = as_wang.get(page_url).content.decode()
    assert secret not in again and secret[:12] in again
    assert 'data-testid="token-row"' in again and "ERP" in again

    # the token works, for Huatai only
    assert data_of(ask(secret, SUPPLIERS))["suppliers"]["edges"] == [{"node": {"name": "华泰钢材"}}]
    reports = data_of(ask(secret, REPORTS))["supplierReports"]["edges"]
    assert [r["node"]["supplier"]["name"] for r in reports] == ["华泰钢材"]
    huatai.refresh_from_db()
    token = ApiToken.objects.get(user=huatai.account.user)
    assert token.last_used_at is not None

    # when: Wang revokes it
    revoked = as_wang.post(reverse("contractors:supplier_token_revoke", args=[huatai.pk, token.pk]))

    # then: refused from the next call on, and gone from the page
    assert revoked.status_code == 302
    assert ask(secret, SUPPLIERS).status_code == 401
    assert 'data-testid="token-row"' not in as_wang.get(page_url).content.decode()
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        "contractors.supplier_account_created",
        "contractors.outsider_token_issued",
        "contractors.outsider_token_revoked",
    } <= verbs


def test_a_second_token_reuses_the_account_and_a_nameless_one_saves_nothing(as_wang, huatai):
    url = reverse("contractors:supplier_token_issue", args=[huatai.pk])

    refused = as_wang.post(url, {"name": "   "}, follow=True)

    assert 'data-testid="api-access"' in refused.content.decode()
    assert "message-error" in refused.content.decode()
    huatai.refresh_from_db()
    assert huatai.account is None and not ApiToken.objects.exists()

    as_wang.post(url, {"name": "ERP"})
    as_wang.post(url, {"name": "质量系统"})
    huatai.refresh_from_db()
    assert ApiToken.objects.filter(user=huatai.account.user).count() == 2


def test_safety_officer_gets_no_button_and_a_403(as_sun, wang, huatai):
    account = services.create_supplier_account(huatai, by=wang)
    token, secret = services.issue_outsider_token(account, by=wang, name="ERP")

    page = as_sun.get(huatai.get_absolute_url())
    issued = as_sun.post(
        reverse("contractors:supplier_token_issue", args=[huatai.pk]), {"name": "x"}
    )
    revoked = as_sun.post(reverse("contractors:supplier_token_revoke", args=[huatai.pk, token.pk]))

    assert page.status_code == 200
    assert 'data-testid="token-issue"' not in page.content.decode()
    assert issued.status_code == revoked.status_code == 403
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 1
    assert ask(secret, SUPPLIERS).status_code == 200


def test_ids_of_another_enterprise_or_another_holder_open_nothing(as_chen, as_wang, wang, huatai):
    account = services.create_supplier_account(huatai, by=wang)
    token, _secret = services.issue_outsider_token(account, by=wang, name="ERP")
    own, _own_secret = create_api_token(by=wang, name="Wang's script")
    dongfang = Supplier.objects.get(name="东方涂料")

    # Chen (Globex) posts Acme's ids on Globex's host: nothing there has them.
    assert as_chen.post(f"/k/suppliers/{huatai.pk}/tokens/", {"name": "x"}).status_code == 404
    chen_revoke = f"/k/suppliers/{huatai.pk}/tokens/{token.pk}/revoke/"
    assert as_chen.post(chen_revoke).status_code == 404

    # Wang cannot revoke through a supplier's page a token that is not that supplier's.
    other = reverse("contractors:supplier_token_revoke", args=[dongfang.pk, token.pk])
    employee = reverse("contractors:supplier_token_revoke", args=[huatai.pk, own.pk])
    assert as_wang.post(other).status_code == 404
    assert as_wang.post(employee).status_code == 404
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() == 2


def test_crew_lead_token_from_the_lead_page_sees_only_its_company(as_wang, wang, roof_crew):
    page_url = reverse("contractors:crew_lead", args=[roof_crew.pk])
    issue_url = reverse("contractors:crew_lead_token_issue", args=[roof_crew.pk])
    assert 'data-testid="api-access"' not in as_wang.get(page_url).content.decode()
    assert as_wang.post(issue_url, {"name": "班组系统"}).status_code == 302
    assert not ApiToken.objects.exists()

    # given: Zhao Gang may sign in at the crew leads' portal
    crew_portal.give_crew_lead_access(roof_crew, by=wang, lead=roof_crew.lead)
    assert 'data-testid="api-access"' in as_wang.get(page_url).content.decode()

    issued = as_wang.post(issue_url, {"name": "班组系统"})
    secret = secret_on(issued)

    workers = data_of(ask(secret, WORKERS))["contractorWorkers"]["edges"]
    assert sorted(w["node"]["name"] for w in workers) == ["吴刚", "赵刚"]
    assert {w["node"]["company"]["name"] for w in workers} == {"恒达建设有限公司"}
    page = as_wang.get(page_url).content.decode()
    assert "班组系统" in page and secret not in page

    token = ApiToken.objects.get()
    as_wang.post(reverse("contractors:crew_lead_token_revoke", args=[roof_crew.pk, token.pk]))
    assert ask(secret, WORKERS).status_code == 401
