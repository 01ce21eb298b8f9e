"""Contractor performance (承包商绩效): Hengda's roof crew works in W1-A1; what happens
there and at the gate shows on /k/performance/ per company and crew, with a score
and the blacklist. Wang (admin) and Sun (safety officer) read it, Zhang (operator)
does not, and Globex sees nothing of Acme's."""

# The passes tests' fixtures are imported by name, so pytest finds them here.
# ruff: noqa: F811

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.contractors import services
from safeloop.contractors.models import GateDirection, GateEvent
from safeloop.contractors.services.performance import contractor_performance
from safeloop.contractors.validators import credit_code_check_char, id_check_char
from safeloop.tenants.facilities.models import Area
from safeloop.tenants.hazards.services import report_hazard
from tests.contractors.conftest import OTHER_CODE, consent
from tests.contractors.test_passes import (  # noqa: F401 (fixtures)
    _ready,
    induction_course,
    roof,
    rules,
    today,
)


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def roof_crew(hengda, roof, wu, wang):
    roof.areas.add(Area.objects.get(code="W1-A1"))
    return services.create_crew(hengda, by=wang, name="屋面一班", project=roof, lead=wu)


@pytest.fixture
def dongfang(wang):
    return services.create_company(by=wang, name="东方安装工程有限公司", credit_code=OTHER_CODE)


@pytest.fixture
def eventful(
    wu, wang, zhang, roof_crew, dongfang, rules, induction_course, today,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    """Wu got his pass; a hazard was reported in his crew's area (one elsewhere); a week
    later his welder's card had lapsed: the guard refused him and the pass was
    suspended; Wang revoked the pass and blacklisted him."""
    site_pass = _ready(wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks)
    report_hazard(by=zhang, area=Area.objects.get(code="W1-A1"), description="脚手架缺踢脚板")
    report_hazard(by=zhang, area=Area.objects.get(code="W3-A1"), description="气瓶未固定")
    verdict = services.check(site_pass.token, by=wang, today=today + timedelta(days=8))
    assert not verdict.allowed
    services.revoke_pass(site_pass, by=wang, reason="冒用他人证件")
    services.blacklist_worker(wu, by=wang, reason="无证动火作业")
    return site_pass


def _standing(rows, company_id):
    (row,) = [r for r in rows if r.company_id == company_id]
    return row


def test_hazards_violations_refusals_and_suspensions_count_for_the_company_and_crew(
    eventful, hengda, dongfang, roof_crew, wang
):
    result = contractor_performance(by=wang)

    hengda_row = _standing(result.companies, hengda.pk)
    assert (hengda_row.hazards, hengda_row.violations) == (1, 2)
    assert (hengda_row.refusals, hengda_row.suspended) == (1, 1)
    # 5×2 + 3×1 + 1 + 1 = 15 penalty points for one worker: far below zero, so 0.
    assert hengda_row.penalty == 15 and hengda_row.score == 0
    (crew_row,) = result.crews
    assert (crew_row.crew_id, crew_row.hazards, crew_row.refusals) == (roof_crew.pk, 1, 1)
    clean = _standing(result.companies, dongfang.pk)
    assert (clean.hazards, clean.violations, clean.score) == (0, 0, 100)
    # The worst first.
    assert [r.company_id for r in result.companies] == [hengda.pk, dongfang.pk]
    (entry,) = result.blacklist
    assert (entry.kind, entry.name, entry.reason) == ("worker", "吴刚", "无证动火作业")


def test_the_score_is_100_less_ten_points_per_penalty_point_per_worker(hengda, wu, wang):
    GateEvent.objects.create(
        worker=wu, company=hengda, direction=GateDirection.IN, allowed=False, reason="x"
    )
    # An exit is always let through; a refused exit does not exist, and an allowed
    # entry costs nothing.
    GateEvent.objects.create(worker=wu, company=hengda, direction=GateDirection.IN, allowed=True)

    row = _standing(contractor_performance(by=wang).companies, hengda.pk)

    assert (row.refusals, row.workers, row.score) == (1, 1, 90)


def test_what_happened_before_the_period_does_not_count(eventful, hengda, wang):
    later = timezone.now() + timedelta(days=40)

    row = _standing(contractor_performance(by=wang, days=30, now=later).companies, hengda.pk)

    assert (row.hazards, row.violations, row.refusals, row.suspended) == (0, 0, 0, 0)
    # The blacklist is the blacklist whatever the period.
    assert contractor_performance(by=wang, days=30, now=later).blacklist


def test_a_blacklisted_company_scores_zero_and_is_on_the_blacklist(dongfang, wang):
    services.blacklist_company(dongfang, by=wang, reason="发生一般事故")

    result = contractor_performance(by=wang)

    row = _standing(result.companies, dongfang.pk)
    assert (row.violations, row.score, row.blacklisted) == (1, 0, True)
    assert [(e.kind, e.reason) for e in result.blacklist] == [("company", "发生一般事故")]


def test_a_supplier_with_the_companys_credit_code_brings_its_hazards(hengda, wang):
    from safeloop.contractors.models import SupplierHazard

    supplier = services.create_supplier(
        by=wang, name="恒达建设(供货)", credit_code=hengda.credit_code
    )
    services.set_form(by=wang, title="月度自查", items=["消防器材完好有效"], due_day=25)
    report = services.open_report(supplier)
    hazard = report_hazard(by=wang, area=Area.objects.get(code="W1-A1"), description="灭火器过期")
    SupplierHazard.objects.create(supplier=supplier, answer=report.answers.first(), hazard=hazard)

    row = _standing(contractor_performance(by=wang).companies, hengda.pk)

    assert row.hazards == 1


def test_the_page_shows_figures_score_rule_and_blacklist_in_chinese_and_english(
    eventful, as_sun, hengda
):
    page = _html(as_sun.get(reverse("contractors:performance"), HTTP_ACCEPT_LANGUAGE="zh-hans"))
    assert "承包商绩效" in page and "黑名单" in page and "无证动火作业" in page
    assert f'data-company="{hengda.pk}" data-score="0"' in page
    assert 'data-testid="period-90"' in page and 'aria-current="page"' in page
    english = _html(as_sun.get(reverse("contractors:performance"), HTTP_ACCEPT_LANGUAGE="en"))
    assert "Contractor performance" in english and "How the score is worked out" in english
    companies = _html(as_sun.get(reverse("contractors:companies")))
    assert reverse("contractors:performance") in companies


@pytest.mark.parametrize("days", ["abc", "7", "-1", ""])
def test_an_unknown_period_falls_back_to_90_days(as_sun, hengda, days):
    response = as_sun.get(reverse("contractors:performance"), {"days": days})
    assert response.context["result"].days == 90


def test_an_operator_may_not_read_performance(as_zhang, hengda):
    assert as_zhang.get(reverse("contractors:performance")).status_code == 403


def test_globex_sees_none_of_acmes_performance(eventful, as_chen, globex):
    with tenant_context(globex):
        page = _html(as_chen.get(reverse("contractors:performance")))
    assert "恒达" not in page and "吴刚" not in page


def _company_with_activity(i: int, wang, zhang, liu, area):
    first17 = f"913501000{i:08d}"
    company = services.create_company(
        by=wang, name=f"承包商{i:02d}", credit_code=first17 + credit_code_check_char(first17)
    )
    day = timezone.localdate()
    project = services.create_project(
        company,
        by=wang,
        name=f"项目{i}",
        starts_on=day - timedelta(days=5),
        ends_on=day + timedelta(days=30),
        responsible=liu.person,
        areas=[area],
    )
    id17 = f"11010519900101{i:03d}"
    worker = services.register_worker(
        company, by=wang, name=f"工人{i}", id_number_value=id17 + id_check_char(id17),
        consent=consent(),
    ).worker  # fmt: skip
    services.create_crew(company, by=wang, name="一班", project=project, lead=worker)
    GateEvent.objects.create(
        worker=worker, company=company, direction=GateDirection.IN, allowed=False
    )
    services.blacklist_worker(worker, by=wang, reason="违章")
    report_hazard(by=zhang, area=area, description=f"隐患{i}")


def _queries(wang) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = contractor_performance(by=wang)
    assert all(row.violations == 1 for row in result.companies)
    return sum(1 for q in captured.captured_queries if not q["sql"].startswith("SET "))


def test_the_page_reads_in_a_fixed_number_of_queries_for_2_or_20_companies(
    wang, zhang, liu, django_capture_on_commit_callbacks
):
    area = Area.objects.get(code="W1-A1")
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(2):
            _company_with_activity(i, wang, zhang, liu, area)
    two = _queries(wang)
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(2, 20):
            _company_with_activity(i, wang, zhang, liu, area)

    assert _queries(wang) == two == 9
