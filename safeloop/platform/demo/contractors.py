"""The demo's contractors and supplier (相关方): Hengtai Installation (恒泰安装) refits
the welding workshop's extraction with one crew; its welder's certificate (焊工证)
expires next week while he still holds an active pass; the gate has let the crew in
and refused a helper whose pass a manager revoked (he is blacklisted since); and one
supplier's monthly self-inspection was returned with a comment on one item.

Everything goes through the contractors' services, as the safety manager, the
workers on their phones and the supplier would have done it. Seeded once: a second
run finds the company by its credit code and adds nothing.
"""

from __future__ import annotations

import base64
import io
from datetime import timedelta

from django.utils import timezone

# GB 32100 codes with their check character (validated by the services).
COMPANY_CODE = "91320594MA1MXKQ47A"
SUPPLIER_CODE = "91320506MA1Q2GTG5E"
WELDER_NAME = "马建国"
# (name, ID number, phone, work types); the first leads the crew.
CREW = [
    ("周志强", "320582198503152210", "13862100001", ["general"]),
    (WELDER_NAME, "320582198807213019", "13862100002", ["welder"]),
    ("钱小兵", "320582199202103014", "13862100003", ["general"]),
    ("孙立新", "320582199011052410", "13862100004", ["electrician"]),
]
REVOKED_NAME = "钱小兵"
# The crew lead's phone: his sign-in to the crew leads' portal (/p/crew/login/).
CREW_LEAD_PHONE = CREW[0][2]


def _signature() -> str:
    """A signature as the phone's drawing box posts it: a PNG data URL with a stroke."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 120), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(20, 90), (90, 30), (160, 85), (280, 40)], fill="black", width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def seed_contractors(admin, now) -> bool:
    """Seed the contractors' part of the demo; ``False`` when it is already there."""
    from safeloop.contractors import services
    from safeloop.contractors.models import ContractorCompany, GateDirection
    from safeloop.contractors.privacy import notice
    from safeloop.contractors.services import crew_portal
    from safeloop.platform.demo import DEMO_PASSWORD
    from safeloop.tenants.facilities.models import Area

    if ContractorCompany.objects.filter(credit_code=COMPANY_CODE).exists():
        return False
    user, today = admin.user, timezone.localdate(now)
    areas = {a.code: a for a in Area.objects.filter(code__in=["S1", "W3", "W3-A1", "W3-A2"])}
    company = services.create_company(
        by=user,
        name="恒泰安装工程有限公司 Hengtai Installation",
        credit_code=COMPANY_CODE,
        contact_name="周志强",
        phone="13862100001",
    )
    services.add_qualification(
        company,
        by=user,
        kind="safety_licence",
        number="(苏)JZ安许证字[2024]051234",
        valid_until=today + timedelta(days=500),
    )
    services.add_qualification(
        company,
        by=user,
        kind="qualification",
        number="D232054321",
        valid_until=today + timedelta(days=900),
    )
    project = services.create_project(
        company,
        by=user,
        name="焊接车间除尘系统改造 Welding shop extraction refit",
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=60),
        responsible=admin,
        areas=[areas["W3"], areas["W3-A1"], areas["W3-A2"]],
    )
    services.add_requirement(by=user, work_type="welder", certificate_kind="welding")
    services.add_requirement(by=user, work_type="electrician", certificate_kind="electrical")
    briefing = services.set_briefing(
        by=user,
        title="厂区入场安全交底 Site safety briefing",
        body=(
            "1. 进入厂区必须佩戴安全帽，高处作业系挂安全带。\n"
            "2. 动火作业前办理动火作业票，清理周边可燃物，配备灭火器并设专人监护。\n"
            "3. 严禁酒后作业、严禁无证从事特种作业。\n"
            "Wear a helmet on site and a harness at height; hot work only with a permit, "
            "a fire watch and an extinguisher; no special operation without its certificate."
        ),
    )
    shown = notice("zh-hans")
    consent = services.Consent(shown.version, shown.text_hash, None)
    crew = services.create_crew(company, by=user, name="安装一班", project=project)
    workers = [
        services.register_worker(
            company,
            by=user,
            name=name,
            id_number_value=id_number,
            consent=consent,
            phone=phone,
            work_types=types,
            crew=crew,
        ).worker
        for name, id_number, phone, types in CREW
    ]
    # Zhou signs in to the crew leads' portal with his phone and the demo password.
    lead_person = crew_portal.give_crew_lead_access(
        crew, by=user, lead=workers[0], password=DEMO_PASSWORD
    )
    by_name = {w.name: w for w in workers}
    services.add_certificate(
        by_name[WELDER_NAME],
        by=user,
        kind="welding",
        number="T320582198807213014",
        issuer="苏州市应急管理局",
        valid_until=today + timedelta(days=7),
    )
    services.add_certificate(
        by_name["孙立新"],
        by=user,
        kind="electrical",
        number="T320582199011052410",
        issuer="苏州市应急管理局",
        valid_until=today + timedelta(days=400),
    )
    signature = _signature()
    for worker in workers:
        services.sign_briefing(worker, briefing, signature=signature, ip=None)
    # The seed is one transaction: issue now what would follow its commit.
    passes = {w.name: services.refresh_pass(w, by=user, source="demo") for w in workers}
    gate = areas["S1"]
    for name in ("周志强", WELDER_NAME, "孙立新"):
        services.check(passes[name].token, by=user, direction=GateDirection.IN, gate=gate)
    services.check(passes["孙立新"].token, by=user, direction=GateDirection.OUT, gate=gate)
    services.revoke_pass(passes[REVOKED_NAME], by=user, reason="高处作业未系安全带")
    services.check(passes[REVOKED_NAME].token, by=user, direction=GateDirection.IN, gate=gate)
    services.blacklist_worker(
        by_name[REVOKED_NAME], by=user, reason="高处作业未系安全带，经教育仍不改正"
    )
    _seed_crew_hazard(user, lead_person, areas["W3-A1"])
    _seed_supplier(user, today)
    return True


def _seed_crew_hazard(user, lead_person, area) -> None:
    """A hazard at the crew's welding spot, routed to its lead: his portal lists it."""
    from safeloop.platform.demo.pictures import scene_jpeg
    from safeloop.tenants.hazards.services import reassign, report_hazard

    hazard = report_hazard(
        by=user,
        area=area,
        title="焊接作业点未配置灭火器",
        description="焊接作业点5米内无灭火器，旁边堆放油漆桶。\n"
        "No extinguisher within 5 m of the welding spot; paint cans stacked beside it.",
        photos=[scene_jpeg("焊接点 无灭火器", 41)],
    )
    reassign(
        hazard,
        by=user,
        assignee=lead_person,
        reason="承包商班组作业点，由班组长整改 The crew's work spot: its lead fixes it",
    )


def _seed_supplier(user, today) -> None:
    """A supplier whose month's report the reviewer returned for one item."""
    from safeloop.contractors import services

    supplier = services.create_supplier(
        by=user,
        name="苏安劳保用品有限公司 Su'an Safety Supplies",
        credit_code=SUPPLIER_CODE,
        contact_name="吴敏",
        phone="13962100009",
    )
    services.set_form(
        by=user,
        title="供应商月度安全自查表 Supplier's monthly self-inspection",
        items=[
            "消防器材完好有效 Fire extinguishers in date",
            "危化品按规定存放 Hazardous chemicals stored as required",
            "特种作业人员持证上岗 Special operations by certified staff only",
        ],
        due_day=25,
    )
    report = services.open_report(supplier, today=today)
    answers = list(report.answers.all())
    services.save_answers(
        report,
        supplier=supplier,
        answers=[services.Answer(a.item_id, "ok", "已自查 checked") for a in answers],
    )
    report = services.submit_report(report, supplier=supplier)
    services.review_report(
        report,
        by=user,
        accept=False,
        comments={answers[1].item_id: "请附危化品仓库照片 Please attach a photo of the store"},
    )
