"""The four-colour map: a drawn site plan uploaded as the safety department
would, with a zone around every area of the plant."""

from __future__ import annotations

from safeloop.platform.demo.pictures import AREAS, polygon, site_plan_png


def seed_map(admin) -> None:
    from safeloop.tenants.facilities.models import Area
    from safeloop.tenants.risks.mapping import save_zone, upload_site_plan

    areas = {a.code: a for a in Area.objects.all()}
    names = {code: (a.name, a.name_en or a.name) for code, a in areas.items()}
    plan = upload_site_plan(by=admin.user, name="一厂区总平面图", image=site_plan_png(names))
    for code, rect in AREAS.items():
        if code in areas:
            save_zone(plan, by=admin.user, area=areas[code], polygon=polygon(rect))
