"""The rules of contractors: companies under checked credit codes, workers registered
once per ID number with consent, certificates, and who may do what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import tenant_context

from safeloop.contractors import services
from safeloop.contractors.models import (
    ContractorCompany,
    ContractorWorker,
    PrivacyConsent,
    Qualification,
    SpecialCertificate,
)
from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities.models import Area
from tests.contractors.conftest import (
    HENGDA_CODE,
    OTHER_CODE,
    PNG_1PX,
    WU_ID,
    WU_MASKED,
    consent,
)


def _field_error(caught: pytest.ExceptionInfo) -> tuple[str, str]:
    ((field, errors),) = caught.value.error_dict.items()
    return field, errors[0].code


def _events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb))


# --- Companies ---------------------------------------------------------------------


def test_wang_registers_a_company_under_its_credit_code_and_it_is_audited(wang):
    company = services.create_company(
        by=wang, name=" 恒达建设 有限公司 ", credit_code="91350100m000100y43"
    )
    assert (company.name, company.credit_code) == ("恒达建设 有限公司", HENGDA_CODE)
    (event,) = _events("contractors.company_created")
    assert event.actor_id == wang.pk and event.data["credit_code"] == HENGDA_CODE


def test_a_wrong_check_character_is_refused_on_the_credit_code_field(wang):
    with pytest.raises(ValidationError) as caught:
        services.create_company(by=wang, name="恒达", credit_code="91350100M000100Y44")
    assert _field_error(caught) == ("credit_code", "check_digit")
    assert not ContractorCompany.objects.exists()
    assert not _events("contractors.company_created")


def test_a_credit_code_cannot_be_registered_twice(hengda, wang):
    with pytest.raises(ValidationError) as caught:
        services.create_company(by=wang, name="另一家", credit_code=HENGDA_CODE)
    assert _field_error(caught) == ("credit_code", "taken")
    other = services.create_company(by=wang, name="另一家", credit_code=OTHER_CODE)
    with pytest.raises(ValidationError) as caught:
        services.update_company(other, by=wang, name="另一家", credit_code=HENGDA_CODE)
    assert _field_error(caught) == ("credit_code", "taken")


def test_updating_a_company_records_only_what_changed(hengda, wang):
    services.update_company(
        hengda, by=wang, name="恒达建设集团", credit_code=HENGDA_CODE, contact_name="赵刚"
    )
    (event,) = _events("contractors.company_updated")
    assert event.data == {"name": "恒达建设集团", "phone": ""}


@pytest.mark.parametrize("person", ["sun", "zhang", "liu"])
def test_only_managers_register_companies(person, request):
    user = request.getfixturevalue(person)
    with pytest.raises(PermissionDenied):
        services.create_company(by=user, name="恒达", credit_code=HENGDA_CODE)


def test_a_blacklisted_company_registers_no_more_workers(hengda, wang):
    services.blacklist_company(hengda, by=wang, reason="高处作业未系安全带")
    with pytest.raises(ValidationError) as caught:
        services.register_worker(
            hengda, by=wang, name="吴刚", id_number_value=WU_ID, consent=consent()
        )
    assert _field_error(caught) == ("company", "blacklisted")
    assert "高处作业未系安全带" in caught.value.messages[0]


# --- Workers -----------------------------------------------------------------------


def test_the_id_number_is_encrypted_at_rest(wu):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM contractors_contractorworker WHERE id = %s", [wu.pk])
        row = cursor.fetchone()
    assert not any(WU_ID in str(column) for column in row)
    assert not any(WU_ID[6:14] in str(column) for column in row)  # nor the birth date
    assert WU_MASKED in row
    assert wu.id_number_masked == WU_MASKED
    assert WU_ID not in str(wu) and WU_ID not in repr(wu)


def test_registering_the_same_id_number_again_updates_the_worker(wu, hengda, wang):
    crew = services.create_crew(hengda, by=wang, name="钢结构一班")
    again = services.register_worker(
        hengda,
        by=wang,
        name="吴 刚",
        id_number_value=WU_ID.lower(),
        consent=consent("en", ip=None),
        work_types=["height", "welder"],
        crew=crew,
    )
    assert again.created is False and again.worker.pk == wu.pk
    assert ContractorWorker.objects.count() == 1
    wu.refresh_from_db()
    assert (wu.name, wu.phone, wu.crew, wu.work_types) == (
        "吴 刚",
        "13900139000",
        crew,
        ["welder", "height"],
    )
    assert PrivacyConsent.objects.filter(worker=wu).count() == 2
    (merged,) = _events("contractors.worker_merged")
    assert merged.data["changed"] == ["crew_id", "name", "work_types"]


def test_a_worker_moving_to_another_company_is_the_same_row(wu, wang):
    other = services.create_company(by=wang, name="宏远机电", credit_code=OTHER_CODE)
    again = services.register_worker(
        other, by=wang, name="吴刚", id_number_value=WU_ID, consent=consent()
    )
    assert again.worker.pk == wu.pk and again.worker.company == other


def test_registration_needs_consent_to_the_current_notice(hengda, wang):
    with pytest.raises(ValidationError) as caught:
        services.register_worker(hengda, by=wang, name="吴刚", id_number_value=WU_ID, consent=None)
    assert _field_error(caught) == ("consent", "consent_required")
    stale = services.Consent("2020-01", consent().text_hash)
    with pytest.raises(ValidationError) as caught:
        services.register_worker(hengda, by=wang, name="吴刚", id_number_value=WU_ID, consent=stale)
    assert _field_error(caught) == ("consent", "notice_outdated")
    assert not ContractorWorker.objects.exists() and not PrivacyConsent.objects.exists()


def test_the_consent_records_version_text_hash_time_and_address(wu):
    (given,) = PrivacyConsent.objects.filter(worker=wu)
    assert (given.notice_version, given.text_hash, given.ip) == (
        consent().notice_version,
        consent().text_hash,
        "10.0.0.8",
    )


def test_an_impossible_id_number_is_refused_on_its_field(hengda, wang, caplog):
    wrong = WU_ID[:-1] + "3"
    with pytest.raises(ValidationError) as caught:
        services.register_worker(
            hengda, by=wang, name="吴刚", id_number_value=wrong, consent=consent()
        )
    assert _field_error(caught) == ("id_number", "check_digit")
    assert wrong not in str(caught.value)
    assert not ContractorWorker.objects.exists()


def test_the_id_number_reaches_neither_the_audit_trail_nor_the_log(hengda, wang, caplog):
    caplog.set_level("DEBUG")
    worker = services.register_worker(
        hengda, by=wang, name="吴刚", id_number_value=WU_ID, consent=consent()
    ).worker
    services.unmasked_id(worker, by=wang)
    assert WU_ID not in caplog.text
    for event in AuditEvent.objects.all():
        assert WU_ID not in str(event.data)
    (event,) = _events("contractors.worker_registered")
    assert event.data["id_number"] == WU_MASKED


def test_a_crew_of_another_company_is_refused(wu, hengda, wang):
    other = services.create_company(by=wang, name="宏远机电", credit_code=OTHER_CODE)
    crew = services.create_crew(other, by=wang, name="机电班")
    with pytest.raises(ValidationError) as caught:
        services.register_worker(
            hengda, by=wang, name="吴刚", id_number_value=WU_ID, consent=consent(), crew=crew
        )
    assert _field_error(caught) == ("crew", "wrong_company")
    with pytest.raises(ValidationError):
        services.create_crew(other, by=wang, name="焊工班", lead=wu)


def test_only_managers_register_workers(hengda, sun, zhang):
    for user in (sun, zhang):
        with pytest.raises(PermissionDenied):
            services.register_worker(
                hengda, by=user, name="吴刚", id_number_value=WU_ID, consent=consent()
            )


def test_the_full_id_number_is_for_managers_and_every_reading_is_audited(wu, wang, sun, zhang):
    assert services.unmasked_id(wu, by=wang) == WU_ID
    (event,) = _events("contractors.id_number_revealed")
    assert event.actor_id == wang.pk and event.object_id == str(wu.pk)
    for user in (sun, zhang):
        with pytest.raises(PermissionDenied):
            services.unmasked_id(wu, by=user)
    assert len(_events("contractors.id_number_revealed")) == 1


def test_a_worker_photo_is_stored_under_the_schema(hengda, wang):
    photo = SimpleUploadedFile("me.png", PNG_1PX, content_type="image/png")
    worker = services.register_worker(
        hengda, by=wang, name="吴刚", id_number_value=WU_ID, consent=consent(), photo=photo
    ).worker
    assert worker.photo.name.startswith(f"{connection.schema_name}/contractors/workers/")


def test_a_file_that_is_no_picture_is_refused_as_photo(hengda, wang):
    fake = SimpleUploadedFile("me.png", b"<script>", content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        services.register_worker(
            hengda, by=wang, name="吴刚", id_number_value=WU_ID, consent=consent(), photo=fake
        )
    assert _field_error(caught) == ("photo", "invalid_image")
    assert not ContractorWorker.objects.exists()


# --- Certificates, qualifications, projects ----------------------------------------


def test_a_welding_certificate_is_added_and_renewed_under_its_number(wu, wang):
    today = date(2026, 3, 1)
    first = services.add_certificate(
        wu,
        by=wang,
        kind="welding",
        number="T110105199001011232",
        issuer="北京市应急管理局",
        valid_until=date(2026, 3, 20),
        today=today,
    )
    renewed = services.add_certificate(
        wu,
        by=wang,
        kind="welding",
        number="T110105199001011232",
        issuer="北京市应急管理局",
        valid_until=date(2032, 3, 20),
        today=today,
    )
    assert renewed.pk == first.pk and SpecialCertificate.objects.count() == 1
    assert renewed.valid_until == date(2032, 3, 20)
    assert [e.verb for e in AuditEvent.objects.filter(object_type__endswith="certificate")] == [
        "contractors.certificate_added",
        "contractors.certificate_renewed",
    ]


def test_an_expired_certificate_is_refused(wu, wang):
    with pytest.raises(ValidationError) as caught:
        services.add_certificate(
            wu,
            by=wang,
            kind="electrical",
            number="D-1",
            issuer="应急管理局",
            valid_until=date(2026, 2, 28),
            today=date(2026, 3, 1),
        )
    assert _field_error(caught) == ("valid_until", "expired")
    assert not SpecialCertificate.objects.exists()


def test_a_licence_scan_is_kept_as_pdf_under_the_schema(hengda, wang):
    scan = SimpleUploadedFile(
        "licence.pdf", b"%PDF-1.4\n%\xe2\xe3\n", content_type="application/pdf"
    )
    qualification = services.add_qualification(
        hengda,
        by=wang,
        kind="safety_licence",
        number="(闽)JZ安许证字[2024]000123",
        valid_until=date.today() + timedelta(days=400),
        file=scan,
    )
    assert qualification.file.name.startswith(f"{connection.schema_name}/contractors/")
    assert qualification.file.name.endswith(".pdf")
    with pytest.raises(ValidationError) as caught:
        services.add_qualification(
            hengda,
            by=wang,
            kind="qualification",
            number="D235012345",
            valid_until=None,
            file=SimpleUploadedFile("x.pdf", b"MZ\x90\x00", content_type="application/pdf"),
        )
    assert _field_error(caught) == ("file", "invalid_scan")
    assert Qualification.objects.count() == 1


def test_a_project_names_its_areas_and_the_enterprise_person_in_charge(hengda, wang, liu):
    workshop = Area.objects.filter(kind="workshop").order_by("code").first()
    project = services.create_project(
        hengda,
        by=wang,
        name="一车间屋面防水",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 5, 31),
        responsible=liu.person,
        areas=[workshop],
    )
    assert list(project.areas.all()) == [workshop] and project.responsible == liu.person
    with pytest.raises(ValidationError) as caught:
        services.create_project(
            hengda,
            by=wang,
            name="倒着的项目",
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 4, 1),
            responsible=liu.person,
        )
    assert _field_error(caught) == ("ends_on", "dates")


def test_expiring_lists_what_runs_out_within_the_days_soonest_first(wu, hengda, wang):
    today = date.today()
    for kind, number, days in [("welding", "W", 5), ("height", "H", 60), ("electrical", "E", 20)]:
        services.add_certificate(
            wu,
            by=wang,
            kind=kind,
            number=number,
            issuer="应急管理局",
            valid_until=today + timedelta(days=days),
        )
    services.add_qualification(
        hengda, by=wang, kind="safety_licence", number="L1", valid_until=today + timedelta(days=1)
    )
    soon = services.expiring(30)
    assert [c.number for c in soon.certificates] == ["W", "E"]
    assert [q.number for q in soon.qualifications] == ["L1"]
    later = services.expiring(30, today=today + timedelta(days=10), include_expired=False)
    assert [c.number for c in later.certificates] == ["E"]
    assert services.expiring(30, today=today + timedelta(days=10)).certificates.count() == 2
    assert services.expiry_status(today + timedelta(days=5), today) == "expiring"
    assert services.expiry_status(today - timedelta(days=1), today) == "expired"
    assert services.expiry_status(today + timedelta(days=31), today) == "valid"


def test_globex_sees_none_of_acmes_contractors(wu, globex):
    with tenant_context(globex):
        assert not ContractorCompany.objects.exists()
        assert not ContractorWorker.objects.exists()
