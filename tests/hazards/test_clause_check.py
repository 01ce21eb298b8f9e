"""Reports as workers type them, checked against their industry's 重大事故隐患判定标准.

For each template: ten reports a consultant would call 重大 under a named clause
are proposed with that clause first, and ten that are not 重大 (ordinary hazards,
and reports that something *is* in place) match nothing. Then, in a freshly
provisioned enterprise of each industry, every major library entry is graded
major with the clause its basis cites, no other entry is, and a typed report
that meets a clause is filed as 重大 with the clause on record.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django_tenants.utils import tenant_context

from safeloop.access import Role
from safeloop.platform.industry import get_template
from safeloop.platform.industry.criteria import TEMPLATE_CRITERIA, clauses_for, load_criteria
from safeloop.platform.services import SignupData, provision_enterprise
from safeloop.tenants.facilities.models import Area, AreaKind
from safeloop.tenants.facilities.services import create_person
from safeloop.tenants.hazards.clauses import findings, propose_clauses
from safeloop.tenants.hazards.models import ClauseStatus, Grade, LibraryEntry
from safeloop.tenants.hazards.services import report_hazard

INDUSTRIES = ["metal", "food", "chemical", "mining"]

MAJOR = {
    "metal": [
        ("抛光房的铝粉除尘器上没有泄爆片，也没装隔爆阀", "gm2023-12-3"),
        ("打磨区地面和设备顶上积尘很厚，好几天没扫了", "gm2023-12-10"),
        ("喷漆房可燃气体报警器坏了一直没修", "gm2023-8-7"),
        ("调漆间排风机坏了，里面油漆味很重", "gm2023-8-7"),
        ("抛光车间二楼隔出来一间做宿舍，有人住", "gm2023-12-1"),
        ("打磨除尘和喷漆房的排风共用一套除尘管道", "gm2023-12-2"),
        ("除尘器旁边装的是普通电机和普通灯，不防爆", "gm2023-12-7"),
        ("清理集水井有限空间作业没审批，也没检测就下去了", "gm2023-14-2"),
        ("新来的电焊工无证在钢结构上焊接", "gm2023-4-2"),
        ("中频炉炉前坑里有积水", "gm2023-8-3"),
    ],
    "food": [
        ("油炸线温控坏了，油温超温也不会自动断", "gm2023-9-1"),
        ("烤炉超温保护不起作用，温度冲到三百多度", "gm2023-9-1"),
        ("包装车间空调用的是氨直接蒸发的冷风机", "gm2023-13-1"),
        ("分割间顶上装着氨蒸发器给车间降温", "gm2023-13-1"),
        ("速冻间里今天有十几个人在摆盘", "gm2023-13-2"),
        ("速冻机就放在包装间里，没有单独作业间", "gm2023-13-2"),
        ("污水池清淤没检测气体人就下去了", "gm2023-14-2"),
        ("化粪池清掏的时候没人监护，直接下去了", "gm2023-14-2"),
        ("面粉投料间积尘严重，设备上落了厚厚一层", "gm2023-12-10"),
        ("淀粉除尘器没有泄爆口", "gm2023-12-3"),
    ],
    "chemical": [
        ("3号反应釜温度联锁被摘除了，还在生产", "hc2017-4"),
        ("DCS上硝化釜的联锁被切到旁路了", "hc2017-4"),
        ("甲醇罐区可燃气体报警器失效，一直不响", "hc2017-12"),
        ("防爆区里有人用普通电风扇，不防爆", "hc2017-12"),
        ("氧化剂和还原剂混放在一个仓库", "hc2017-20"),
        ("检修动火没办动火作业票就开始焊", "hc2017-18"),
        ("进罐清理没做气体分析，人已经进去了", "hc2017-18"),
        ("液氨装车还在用橡胶软管充装", "hc2017-7"),
        ("精馏塔安全阀前面的根部阀被关死了", "hc2017-15"),
        ("新来的操作工无证在硝化岗位独立操作", "hc2017-2"),
    ],
    "mining": [
        ("采场东帮边坡出现裂缝，下面还有人在干活", "kss2022-4-8"),
        ("坡顶有一条新的大裂缝，越来越宽", "kss2022-4-8"),
        ("北帮坡脚鼓起来了，上面的裂缝在扩大", "kss2022-4-8"),
        ("边坡位移监测数据这几天加速变大", "kss2022-4-8"),
        ("挖机在坡底掏采，上面悬着一大块", "kss2022-4-3"),
        ("台阶高度超过设计，一个台阶有二十多米", "kss2022-4-4"),
        ("排土场下方有工棚住人", "kss2022-4-11"),
        ("有人在排土场回采废石卖", "kss2022-4-13"),
        ("边坡在线监测系统关掉了好几天", "kss2022-4-7"),
        ("采场台阶并段了，没留安全平台", "kss2022-4-12"),
    ],
}

NOT_MAJOR = {
    "metal": [
        "冲压机光电保护失效",
        "砂轮机防护罩没装",
        "行车钢丝绳断丝超标",
        "吊具有裂纹",
        "叉车司机无证驾驶",
        "配电箱没锁",
        "除尘器已设置泄爆片，运行正常",
        "有限空间作业已办理审批，检测合格，有人监护",
        "车间通道堆了很多钢板",
        "打磨工没戴护目镜",
    ],
    "food": [
        "切片机刀片防护罩拆了",
        "杀菌釜快开门联锁失效",
        "锅炉安全阀失灵",
        "冷库门口叉车和人混行",
        "氨机房泄漏报警器不响",
        "速冻间门口地面结冰很滑",
        "油烟罩油垢很厚",
        "速冻间作业人员未超过9人，装置在单独作业间内正常",
        "清洗机没断电就伸手清理",
        "酸性清洗剂和含氯消毒剂放在同一个架子上",
    ],
    "chemical": [
        "机泵联轴器防护罩掉了",
        "离心机开盖联锁失效",
        "法兰有点滴漏",
        "灭火器压力不足",
        "安全阀超期未校验",
        "压力表超期未检定",
        "洗眼器没有水",
        "动火作业票已办理，动火分析合格",
        "罐区可燃气体报警器运行正常，未发现问题",
        "装卸酸没戴面屏",
    ],
    "mining": [
        "皮带机防护网破了",
        "矿卡倒车报警不响",
        "边坡浮石没清理",
        "破碎站喷雾降尘停了",
        "排土场挡车墙太矮了",
        "道路扬尘大，没洒水",
        "边坡巡查未发现裂缝，正常",
        "进入采场没戴安全帽",
        "维修间地面油污",
        "盲炮没有及时处理",
    ],
}


def _cases(table: dict) -> list:
    return [
        pytest.param(industry, *(row if isinstance(row, tuple) else (row,)), id=f"{industry}-{n}")
        for industry, rows in table.items()
        for n, row in enumerate(rows)
    ]


def test_every_industry_has_ten_of_each():
    for industry in INDUSTRIES:
        assert len(MAJOR[industry]) == 10 and len(NOT_MAJOR[industry]) == 10
        assert TEMPLATE_CRITERIA[industry]


@pytest.mark.parametrize(("industry", "text", "clause_id"), _cases(MAJOR))
def test_a_report_that_meets_a_clause_is_proposed_with_it(industry, text, clause_id):
    matches = propose_clauses(text, industry)
    assert matches, f"no clause for {text!r}"
    assert matches[0].clause.id == clause_id
    assert matches[0].via == "text"


@pytest.mark.parametrize(("industry", "text"), _cases(NOT_MAJOR))
def test_a_report_that_meets_no_clause_is_not_proposed(industry, text):
    assert [m.clause.id for m in propose_clauses(text, industry)] == []


def test_a_clause_of_another_industry_is_not_proposed():
    # 121号文 is the chemical plant's; a food plant's frying line is 工贸's 第九条.
    assert propose_clauses("反应釜联锁被摘除", "food") == []
    assert propose_clauses("油炸机超温保护失效", "chemical") == []
    assert [m.clause.id for m in propose_clauses("油炸机超温保护失效", "food")] == ["gm2023-9-1"]


def test_a_phrase_saying_it_is_in_place_is_not_a_finding():
    assert findings("除尘器已设置泄爆片。边坡未发现裂缝") == ""
    # ... but "未正常投用" still is one.
    assert "安全阀未正常投用" in findings("安全阀未正常投用")
    assert [m.clause.id for m in propose_clauses("除尘器没有泄爆片", "metal")] == ["gm2023-12-3"]


def test_every_clause_has_a_number_a_text_and_keywords():
    for key in ("gm2023", "hc2017", "kss2022"):
        criteria = load_criteria(key)
        assert criteria.clauses and criteria.name and criteria.ref
        for clause in criteria.clauses:
            assert re.fullmatch(
                r"第[一二三四五六七八九十]+(条第（[一二三四五六七八九十]+）|)项", clause.number
            ) or re.fullmatch(r"第[一二三四五六七八九十]+项", clause.number), clause.number
            assert clause.text.endswith("。") and clause.keywords, clause.id


def _majors(industry: str) -> list[dict]:
    library = get_template(industry).sections["hazards"]["library"]
    return [row for row in library if row.get("grade") == Grade.MAJOR]


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_major_entry_cites_the_clause_that_covers_it(industry):
    majors = _majors(industry)
    assert majors, f"{industry} has statutory items"
    for row in majors:
        covering = [c for c in clauses_for(industry) if f"{industry}:{row['code']}" in c.entries]
        assert len(covering) == 1, f"{row['code']} is covered by {covering}"
        clause = covering[0]
        assert clause.criteria_name in row["basis"] and row["basis"].endswith(clause.number), row
    # ... and no clause names an entry that is not a major one of this template.
    codes = {row["code"] for row in majors}
    for clause in clauses_for(industry):
        for key in clause.entries:
            if key.startswith(f"{industry}:"):
                assert key.split(":", 1)[1] in codes, (clause.id, key)


@pytest.mark.django_db
def test_a_template_with_a_major_entry_without_basis_is_refused(in_acme):
    from safeloop.platform.industry import TemplateError
    from safeloop.tenants.hazards.template_section import apply_hazards

    data = {
        "categories": [{"code": "x-fire", "name": "火"}],
        "library": [{"code": "X-1", "title": "吊具裂纹", "category": "x-fire", "grade": "major"}],
    }
    with pytest.raises(TemplateError, match="X-1"):
        apply_hazards(in_acme, data)


def _provision(industry: str):
    return provision_enterprise(
        SignupData(
            company_name=f"Clauses {industry}",
            slug=f"clause-{industry}",
            industry=industry,
            admin_name="管理员",
            admin_email=f"admin@clause-{industry}.test",
            admin_password="Clause-Check-2026!",
            language="zh-hans",
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize("industry", INDUSTRIES)
def test_reports_in_each_industry_are_graded_by_the_criteria(industry):
    enterprise = _provision(industry)
    with tenant_context(enterprise):
        admin = get_user_model().objects.get(email=f"admin@clause-{industry}.test")
        workshop = Area.objects.filter(kind=AreaKind.WORKSHOP).order_by("code").first()
        reporter = create_person(
            by=admin,
            email=f"worker@clause-{industry}.test",
            full_name="工人",
            employee_no="C001",
            roles=[Role.OPERATOR.value],
            area=workshop,
        ).user
        wrong = []
        for entry in LibraryEntry.objects.all():
            hazard = report_hazard(by=reporter, area=workshop, library_entry=entry)
            if entry.grade == Grade.MAJOR:
                if hazard.grade != Grade.MAJOR or not entry.basis.endswith(hazard.clause_number):
                    wrong.append(f"{entry.code}: {hazard.grade} {hazard.clause_number}")
            elif hazard.clause_id or hazard.grade != entry.grade:
                wrong.append(f"{entry.code} {entry.title}: {hazard.grade} {hazard.clause_id}")
        assert wrong == []

        text, clause_id = MAJOR[industry][0]
        typed = report_hazard(by=reporter, area=workshop, description=text)
        assert typed.grade == Grade.MAJOR and typed.grade_before_clause == Grade.GENERAL
        assert (typed.clause_id, typed.clause_status) == (clause_id, ClauseStatus.PROPOSED)
        assert typed.clause_text and typed.clause_criteria
        # 重大: the three levels, then the principal signs off after the assessment
        assert typed.acceptance_levels == [
            "team_leader",
            "safety_officer",
            "leader_in_charge",
            "principal",
        ]
        assert typed.major_case.plan_approved is False  # on the legal path (major.py)

        plain = report_hazard(by=reporter, area=workshop, description=NOT_MAJOR[industry][0])
        assert plain.grade == Grade.GENERAL and plain.clause_id == "" and plain.clause_status == ""
