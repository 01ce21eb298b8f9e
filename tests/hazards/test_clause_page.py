"""The hazard page shows the 判定标准 clause; a manager confirms or overrules it there.

Zhang (operator, W1) types what he sees at the polishing room's dust collector; the
clause check grades it 重大. Wang (admin, safety manager) decides on the page; Zhang
sees the clause but no buttons, and a post of his is refused.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.hazards import services
from safeloop.tenants.hazards.models import ClauseStatus, Grade, Hazard

pytestmark = pytest.mark.django_db


@pytest.fixture
def dusty(zhang, w1_area) -> Hazard:
    return services.report_hazard(by=zhang, area=w1_area, description="除尘器没有泄爆片")


def _as(client, user, language="zh-hans"):
    user.person.language = language  # the page speaks the person's language
    user.person.save(update_fields=["language"])
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def test_the_page_quotes_the_clause_and_offers_the_manager_a_decision(acme_client, wang, dusty):
    html = _as(acme_client, wang).get(f"/h/{dusty.pk}/").content.decode()

    assert 'data-testid="hazard-clause"' in html
    assert "第十二条第（三）项" in html and "干式除尘系统未采取泄爆" in html
    assert "工贸企业重大事故隐患判定标准" in html
    assert 'data-testid="clause-confirm"' in html and 'data-testid="clause-overrule"' in html
    assert "确认条款" in html and "驳回" in html
    assert "条款核查定为重大事故隐患：第十二条第（三）项" in html  # in the timeline


def test_the_reporter_sees_the_clause_but_may_not_decide(acme_client, zhang, dusty):
    client = _as(acme_client, zhang)
    html = client.get(f"/h/{dusty.pk}/").content.decode()
    assert "第十二条第（三）项" in html and 'data-testid="clause-form"' not in html

    response = client.post(f"/h/{dusty.pk}/clause/", {"decision": "overrule", "reason": "不是"})
    assert response.status_code == 403
    assert Hazard.objects.get(pk=dusty.pk).clause_status == ClauseStatus.PROPOSED


def test_overruling_without_a_reason_says_so_in_english_and_chinese(acme_client, wang, dusty):
    response = _as(acme_client, wang, "en").post(
        f"/h/{dusty.pk}/clause/", {"decision": "overrule", "reason": "  "}
    )
    assert response.status_code == 200
    assert "Say why the clause does not apply." in response.content.decode()

    response = _as(acme_client, wang).post(
        f"/h/{dusty.pk}/clause/", {"decision": "overrule", "reason": ""}
    )
    html = response.content.decode()
    assert 'data-testid="clause-reason-error"' in html and "请说明该条款为何不适用" in html
    assert Hazard.objects.get(pk=dusty.pk).clause_status == ClauseStatus.PROPOSED


def test_the_manager_overrules_on_the_page(acme_client, wang, dusty):
    response = _as(acme_client, wang).post(
        f"/h/{dusty.pk}/clause/",
        {"decision": "overrule", "reason": "湿式除尘器", "grade": "serious"},
    )
    assert response.status_code == 302
    hazard = Hazard.objects.get(pk=dusty.pk)
    assert hazard.clause_status == ClauseStatus.OVERRULED and hazard.grade == Grade.SERIOUS
    assert [str(m) for m in get_messages(response.wsgi_request)]
    assert AuditEvent.objects.filter(verb="hazard.clause_overruled", actor_id=wang.pk).exists()
    html = acme_client.get(f"/h/{dusty.pk}/").content.decode()
    assert "湿式除尘器" in html and 'data-testid="clause-form"' not in html


def test_the_manager_confirms_on_the_page(acme_client, wang, dusty):
    response = _as(acme_client, wang).post(
        f"/h/{dusty.pk}/clause/", {"decision": "confirm", "reason": "现场核实"}
    )
    assert response.status_code == 302
    assert Hazard.objects.get(pk=dusty.pk).clause_status == ClauseStatus.CONFIRMED
