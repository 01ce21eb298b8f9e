"""A company's projects and crews, edited by a manager; a worker moved to a crew; a
supplier's link sent again.

Hengda (恒达建设) does the roof of W1 ("W1 屋面翻修", Liu Qiang answers for it) with
its welding crew; Wu Gang is its welder. Wang Wei manages contractors; Sun Hao, the
safety officer, may only look; Chen Jie is Globex's admin and sees nothing of Acme.
Huaxin (华鑫物资) is a supplier whose contact, Qian Min, lost her link.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from safeloop.contractors import services
from safeloop.contractors.models import (
    ContractorWorker,
    Crew,
    PassStatus,
    Project,
    Supplier,
    SupplierReminder,
)
from safeloop.contractors.services.supplier_reminders import send_reminders
from safeloop.tenants.audit.models import AuditEvent
from tests.contractors.conftest import OTHER_CODE, consent
from tests.contractors.sms_gateway import SupplierSmsGateway
from tests.contractors.test_passes import _ready
from tests.learning._train_data import make_course

LI_ID = "110105198505053212"
ZHAO_ID = "110105199203124518"


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _project_data(project_or_none=None, **changes) -> dict:
    data = {
        "name": "W1 屋面翻修",
        "starts_on": "",
        "ends_on": "",
        "responsible": "",
        "areas": [],
        "active": "on",
    }
    if project_or_none is not None:
        p = project_or_none
        data |= {
            "name": p.name,
            "starts_on": p.starts_on.isoformat(),
            "ends_on": p.ends_on.isoformat(),
            "responsible": p.responsible_id,
            "areas": list(p.areas.values_list("pk", flat=True)),
            "active": "on" if p.active else "",
        }
    return data | changes


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def roof(hengda, wang, liu, today):
    return services.create_project(
        hengda,
        by=wang,
        name="W1 屋面翻修",
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=60),
        responsible=liu.person,
    )


@pytest.fixture
def induction_course(in_acme):
    return make_course("CW-IND", lessons=1, renewal_months=12)


@pytest.fixture
def rules(wang, induction_course, roof):
    """Wu needs the induction exam, his welder's certificate and the hot-work briefing."""
    services.add_requirement(by=wang, course=induction_course)
    services.add_requirement(by=wang, work_type="welder", certificate_kind="welding")
    return services.set_briefing(
        by=wang, title="动火作业安全交底", body="动火前必须办理动火作业票……"
    )


@pytest.fixture
def welders(hengda, wang, roof):
    return services.create_crew(hengda, by=wang, name="焊接一班", project=roof)


@pytest.fixture
def li_worker(hengda, wang):
    """Li Qiang, Hengda's scaffolder."""
    return services.register_worker(
        hengda,
        by=wang,
        name="李强",
        id_number_value=LI_ID,
        consent=consent(),
        work_types=["scaffolder"],
    ).worker


@pytest.fixture
def other_company(wang):
    return services.create_company(by=wang, name="远东安装工程", credit_code=OTHER_CODE)


# --- Projects ----------------------------------------------------------------------


def test_wang_adds_a_project_and_an_end_before_the_start_is_named_beside_its_field(
    as_wang, hengda, liu, today
):
    url = reverse("contractors:project_new", args=[hengda.pk])
    form = _html(as_wang.get(url))
    assert "项目名称" in form and "责任人" in form and "Liu Qiang" in form
    data = _project_data(
        starts_on=today.isoformat(),
        ends_on=(today - timedelta(days=1)).isoformat(),
        responsible=liu.person.pk,
    )
    refused = _html(as_wang.post(url, data))
    assert "完工日期不能早于开工日期" in refused and not Project.objects.exists()
    response = as_wang.post(url, data | {"ends_on": (today + timedelta(days=30)).isoformat()})
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"].endswith("#projects")
    assert project.responsible == liu.person and project.active
    assert AuditEvent.objects.filter(verb="contractors.project_created").exists()


def test_only_an_employee_of_the_enterprise_answers_for_a_project(
    as_wang, wang, hengda, wu, liu, today
):
    outsider = services.ensure_person(wu)  # Wu Gang signs in for his induction
    url = reverse("contractors:project_new", args=[hengda.pk])
    assert "吴刚" not in _html(as_wang.get(url))
    data = _project_data(
        starts_on=today.isoformat(),
        ends_on=(today + timedelta(days=5)).isoformat(),
        responsible=outsider.pk,
    )
    as_wang.post(url, data)
    assert not Project.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.create_project(
            hengda,
            by=wang,
            name="W1 屋面翻修",
            starts_on=today,
            ends_on=today,
            responsible=outsider,
        )
    assert "responsible" in refused.value.message_dict


def test_ending_a_project_suspends_its_workers_passes_with_the_reason(
    as_wang, wu, wang, roof, rules, induction_course, today, django_capture_on_commit_callbacks
):
    site_pass = _ready(wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks)
    assert site_pass.status == PassStatus.ACTIVE
    url = reverse("contractors:project_edit", args=[roof.pk])
    assert "W1 屋面翻修" in _html(as_wang.get(url))
    # Wang ends the roof job yesterday: the work is done.
    with django_capture_on_commit_callbacks(execute=True):
        response = as_wang.post(
            url, _project_data(roof, ends_on=(today - timedelta(days=1)).isoformat())
        )
    assert response.status_code == 302
    site_pass.refresh_from_db()
    assert site_pass.status == PassStatus.SUSPENDED
    assert site_pass.reason == "所属单位今天没有在施项目"
    assert not services.judge(site_pass.token).allowed
    (updated,) = AuditEvent.objects.filter(verb="contractors.project_updated")
    assert updated.actor_id == wang.pk
    assert AuditEvent.objects.filter(
        verb="contractors.pass_suspended", data__source="project"
    ).exists()
    # The job is extended again: the pass comes back, until the new end.
    with django_capture_on_commit_callbacks(execute=True):
        services.update_project(
            roof,
            by=wang,
            name=roof.name,
            starts_on=roof.starts_on,
            ends_on=today + timedelta(days=3),
            responsible=roof.responsible,
        )
    site_pass.refresh_from_db()
    assert site_pass.status == PassStatus.ACTIVE and site_pass.valid_until == today + timedelta(
        days=3
    )


def test_a_project_set_inactive_suspends_the_passes_too(
    wu, wang, roof, rules, induction_course, today, django_capture_on_commit_callbacks
):
    site_pass = _ready(wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        services.update_project(
            roof,
            by=wang,
            name=roof.name,
            starts_on=roof.starts_on,
            ends_on=roof.ends_on,
            responsible=roof.responsible,
            active=False,
        )
    site_pass.refresh_from_db()
    assert site_pass.status == PassStatus.SUSPENDED and site_pass.reason_code == "no_project"


def test_saving_an_unchanged_project_writes_nothing(wang, roof, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.update_project(
            roof,
            by=wang,
            name=roof.name,
            starts_on=roof.starts_on,
            ends_on=roof.ends_on,
            responsible=roof.responsible,
        )
    assert callbacks == []
    assert not AuditEvent.objects.filter(verb="contractors.project_updated").exists()


# --- Crews -------------------------------------------------------------------------


def test_a_crew_name_is_taken_once_per_company_and_the_form_says_so(
    as_wang, wang, hengda, other_company, welders, wu, roof
):
    url = reverse("contractors:crew_new", args=[hengda.pk])
    refused = _html(as_wang.post(url, {"name": "焊接一班", "project": "", "lead": ""}))
    assert "本单位已有同名班组。" in refused and Crew.objects.count() == 1
    response = as_wang.post(url, {"name": "脚手架班", "project": roof.pk, "lead": wu.pk})
    assert response.status_code == 302
    scaffolders = Crew.objects.get(name="脚手架班")
    assert scaffolders.lead == wu and ContractorWorker.objects.get(pk=wu.pk).crew == scaffolders
    # Renaming it to the welders' name is refused beside the name too.
    edit = reverse("contractors:crew_edit", args=[scaffolders.pk])
    refused = _html(as_wang.post(edit, {"name": "焊接一班", "project": roof.pk, "lead": wu.pk}))
    assert "本单位已有同名班组。" in refused
    # Another company may have a crew of that name.
    assert services.create_crew(other_company, by=wang, name="焊接一班")


def test_the_crew_lead_is_one_of_the_companys_workers(as_wang, wang, welders, other_company):
    stranger = services.register_worker(
        other_company,
        by=wang,
        name="赵六",
        id_number_value=ZHAO_ID,
        consent=consent(),
    ).worker
    edit = reverse("contractors:crew_edit", args=[welders.pk])
    page = _html(as_wang.get(edit))
    assert "赵六" not in page
    refused = _html(as_wang.post(edit, {"name": "焊接一班", "project": "", "lead": stranger.pk}))
    assert "has-error" in refused
    with pytest.raises(ValidationError) as wrong:
        services.update_crew(welders, by=wang, name="焊接一班", lead=stranger)
    assert wrong.value.message_dict["lead"] == ["班组长必须是本单位人员。"]
    welders.refresh_from_db()
    assert welders.lead is None


def test_wang_renames_a_crew_and_gives_it_a_lead(as_wang, welders, wu, roof):
    edit = reverse("contractors:crew_edit", args=[welders.pk])
    assert (
        as_wang.post(edit, {"name": "焊接二班", "project": roof.pk, "lead": wu.pk}).status_code
        == 302
    )
    welders.refresh_from_db()
    assert (welders.name, welders.lead) == ("焊接二班", wu)
    wu.refresh_from_db()
    assert wu.crew == welders
    (event,) = AuditEvent.objects.filter(verb="contractors.crew_updated")
    assert event.data["name"] == "焊接二班" and event.data["lead"] == wu.pk


# --- Moving a worker ---------------------------------------------------------------


def test_wang_moves_a_worker_to_a_crew_and_a_lead_who_leaves_stops_leading(
    as_wang, wang, hengda, wu, welders
):
    url = reverse("contractors:worker_crew", args=[wu.pk])
    page = _html(as_wang.get(reverse("contractors:worker", args=[wu.pk])))
    assert 'data-testid="move-crew"' in page and "焊接一班" in page
    assert as_wang.get(url).status_code == 405
    as_wang.post(url, {"crew": welders.pk})
    wu.refresh_from_db()
    assert wu.crew == welders
    services.set_crew_lead(welders, by=wang, lead=wu)
    followed = as_wang.post(url, {"crew": ""}, follow=True)
    assert "吴刚 现不在任何班组。" in _html(followed)
    wu.refresh_from_db()
    welders.refresh_from_db()
    assert wu.crew is None and welders.lead is None
    moves = AuditEvent.objects.filter(verb="contractors.worker_moved").order_by("id")
    assert [(e.data["crew_from"], e.data["crew_to"]) for e in moves] == [
        (None, welders.pk),
        (welders.pk, None),
    ]
    assert moves.last().data["left_lead"] is True


def test_moving_a_worker_into_a_crew_of_an_ended_project_suspends_his_pass(
    wu, wang, hengda, liu, rules, induction_course, today, django_capture_on_commit_callbacks
):
    site_pass = _ready(wu, wang, rules, induction_course, today, django_capture_on_commit_callbacks)
    old_job = services.create_project(
        hengda,
        by=wang,
        name="W2 地坪改造",
        starts_on=today - timedelta(days=20),
        ends_on=today - timedelta(days=1),
        responsible=liu.person,
    )
    floor_crew = services.create_crew(hengda, by=wang, name="地坪班", project=old_job)
    with django_capture_on_commit_callbacks(execute=True):
        services.move_worker_to_crew(wu, by=wang, crew=floor_crew)
    site_pass.refresh_from_db()
    assert site_pass.status == PassStatus.SUSPENDED and site_pass.reason_code == "no_project"


def test_a_worker_cannot_be_moved_to_another_companys_crew(as_wang, wang, wu, other_company):
    theirs = services.create_crew(other_company, by=wang, name="安装班")
    as_wang.post(reverse("contractors:worker_crew", args=[wu.pk]), {"crew": theirs.pk})
    wu.refresh_from_db()
    assert wu.crew is None
    with pytest.raises(ValidationError):
        services.move_worker_to_crew(wu, by=wang, crew=theirs)
    assert not AuditEvent.objects.filter(verb="contractors.worker_moved").exists()


# --- The company page and who may change what ---------------------------------------


def test_the_company_page_shows_projects_and_crews_with_their_workers(
    as_wang, hengda, welders, wu, li_worker, wang, roof
):
    services.move_worker_to_crew(wu, by=wang, crew=welders)
    services.move_worker_to_crew(li_worker, by=wang, crew=welders)
    page = _html(as_wang.get(reverse("contractors:company", args=[hengda.pk])))
    assert 'data-testid="project-new"' in page and 'data-testid="crew-new"' in page
    assert reverse("contractors:project_edit", args=[roof.pk]) in page
    assert reverse("contractors:crew_edit", args=[welders.pk]) in page
    assert "2 名人员 · 1 个班组" in page  # the roof job: one crew of two
    assert f'href="#crew-{welders.pk}"' in page


def test_the_safety_officer_sees_projects_and_crews_but_changes_nothing(
    as_sun, sun, hengda, roof, welders, wu
):
    page = _html(as_sun.get(reverse("contractors:company", args=[hengda.pk])))
    assert "W1 屋面翻修" in page and "焊接一班" in page
    assert 'data-testid="project-new"' not in page and 'data-testid="crew-edit"' not in page
    assert 'data-testid="move-crew"' not in _html(
        as_sun.get(reverse("contractors:worker", args=[wu.pk]))
    )
    for url in (
        reverse("contractors:project_new", args=[hengda.pk]),
        reverse("contractors:project_edit", args=[roof.pk]),
        reverse("contractors:crew_new", args=[hengda.pk]),
        reverse("contractors:crew_edit", args=[welders.pk]),
    ):
        assert as_sun.get(url).status_code == 403
    assert (
        as_sun.post(reverse("contractors:worker_crew", args=[wu.pk]), {"crew": welders.pk})
    ).status_code == 403
    with pytest.raises(PermissionDenied):
        services.update_crew(welders, by=sun, name="改名")
    wu.refresh_from_db()
    assert wu.crew is None


def test_globex_reaches_none_of_acmes_projects_or_crews(as_chen, globex, roof, welders, wu):
    with tenant_context(globex):
        for url in (
            reverse("contractors:project_edit", args=[roof.pk]),
            reverse("contractors:crew_edit", args=[welders.pk]),
        ):
            assert as_chen.get(url).status_code == 404
        response = as_chen.post(
            reverse("contractors:worker_crew", args=[wu.pk]), {"crew": welders.pk}
        )
        assert response.status_code == 404
    wu.refresh_from_db()
    assert wu.crew is None


# --- The supplier's link -------------------------------------------------------------


@pytest.fixture
def gateway(settings):
    settings.SAFELOOP_SMS_BACKEND = "tests.contractors.sms_gateway.SupplierSmsGateway"
    SupplierSmsGateway.sent.clear()
    SupplierSmsGateway.down = False
    yield SupplierSmsGateway
    SupplierSmsGateway.down = False


@pytest.fixture
def huaxin(wang):
    return services.create_supplier(
        by=wang,
        name="华鑫物资有限公司",
        credit_code=OTHER_CODE,
        contact_name="钱敏",
        phone="13700137000",
    )


def test_wang_sends_the_supplier_its_link_again_by_sms_once_a_day(
    as_wang, wang, huaxin, gateway, acme_client
):
    page = _html(as_wang.get(reverse("contractors:supplier", args=[huaxin.pk])))
    assert "再次短信发送链接" in page
    url = reverse("contractors:supplier_send_link", args=[huaxin.pk])
    assert as_wang.get(url).status_code == 405
    followed = _html(as_wang.post(url, follow=True))
    assert "正在通过短信发送链接至 13700137000" in followed
    (reminder,) = SupplierReminder.objects.filter(supplier=huaxin)
    assert reminder.stage == "link" and reminder.sent_at is None
    (event,) = AuditEvent.objects.filter(verb="contractors.supplier_link_sent")
    assert event.actor_id == wang.pk and event.data["reminder"] == reminder.pk
    # The reminders' outbox sends it (the worker, or the next scan).
    assert send_reminders([reminder.pk]) == 1
    ((phone, text, _key),) = gateway.sent
    assert phone == "13700137000" and text.startswith("钱敏：")
    link = text.split()[-1]
    assert "/s/" in link
    path = link[link.index("/s/") :]
    assert "华鑫物资有限公司" in _html(acme_client.get(path))
    # A second press the same day sends nothing more.
    again = _html(as_wang.post(url, follow=True))
    assert "今天已通过短信向该供应商发送过链接。" in again
    assert SupplierReminder.objects.filter(supplier=huaxin).count() == 1
    assert "重新发送链接" in _html(as_wang.get(reverse("contractors:supplier", args=[huaxin.pk])))


def test_the_manager_sees_when_the_supplier_last_opened_the_link(as_wang, huaxin, acme_client):
    detail = reverse("contractors:supplier", args=[huaxin.pk])
    assert '<dd data-testid="link-used">从未</dd>' in _html(as_wang.get(detail))
    link = reverse("supplier_report", args=[services.supplier_link_token(huaxin)])
    acme_client.get(link)
    opened = Supplier.objects.get(pk=huaxin.pk).link_used_at
    assert opened is not None and timezone.now() - opened < timedelta(minutes=1)
    assert timezone.localtime(opened).strftime("%Y-%m-%d %H:%M") in _html(as_wang.get(detail))
    # A second page view minutes later does not write again.
    acme_client.get(link)
    assert Supplier.objects.get(pk=huaxin.pk).link_used_at == opened


def test_without_a_phone_number_there_is_nothing_to_send(as_wang, wang):
    dongfang = services.create_supplier(by=wang, name="东方化工", credit_code=OTHER_CODE)
    page = _html(as_wang.get(reverse("contractors:supplier", args=[dongfang.pk])))
    assert 'data-testid="send-link"' not in page and 'data-testid="send-link-no-phone"' in page
    with pytest.raises(ValidationError) as refused:
        services.send_supplier_link(dongfang, by=wang)
    assert "phone" in refused.value.message_dict
    assert not SupplierReminder.objects.exists()


def test_only_a_manager_sends_the_link(as_sun, sun, huaxin):
    page = _html(as_sun.get(reverse("contractors:supplier", args=[huaxin.pk])))
    assert 'data-testid="send-link"' not in page
    url = reverse("contractors:supplier_send_link", args=[huaxin.pk])
    assert as_sun.post(url).status_code == 403
    with pytest.raises(PermissionDenied):
        services.send_supplier_link(huaxin, by=sun)
    assert not SupplierReminder.objects.exists()
