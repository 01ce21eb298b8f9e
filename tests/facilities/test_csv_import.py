"""CSV import of people and equipment: every row valid, or nothing imported."""

import codecs

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from safeloop.tenants.audit.models import AuditEvent
from safeloop.tenants.facilities import csv_import
from safeloop.tenants.facilities.csv_import import import_equipment, import_people
from safeloop.tenants.facilities.models import Equipment, Person

pytestmark = pytest.mark.django_db

PEOPLE_ZH = (
    "工号,姓名,邮箱,手机,部门,岗位,角色,上级\r\n"
    "E3001,王芳,wang.fang@acme.test,13800000011,W1,welder,operator,E1001\r\n"
    "E3002,刘洋,liu.yang@acme.test,13800000012,W1-A1,team_leader,team_leader;maintenance,\r\n"
    "E3003,赵雷,zhao.lei@acme.test,,w1-a1,operator,operator,E3002\r\n"
)


def _upload(text: str, encoding: str = "utf-8", name: str = "people.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def _errors(report):
    return [(e.row, e.column, e.code) for e in report.errors]


def test_admin_imports_people_from_a_chinese_excel_file_with_bom(as_wang):
    response = as_wang.post(
        "/w/people/import/", {"file": _upload("\ufeff" + PEOPLE_ZH)}, follow=True
    )

    people = {p.employee_no: p for p in Person.objects.filter(employee_no__startswith="E3")}
    assert response.redirect_chain[-1][0] == "/w/people/"
    assert 'data-testid="messages"' in response.content.decode()
    assert set(people) == {"E3001", "E3002", "E3003"}
    assert people["E3001"].superior.employee_no == "E1001"
    assert people["E3003"].superior == people["E3002"]  # added two rows earlier
    assert people["E3002"].roles == ["maintenance", "team_leader"]
    assert people["E3003"].area.code == "W1-A1"  # codes match regardless of case
    assert people["E3001"].user.first_name == "王芳"


def test_gbk_file_from_chinese_excel_is_read(wang):
    report = import_people(PEOPLE_ZH.encode("gbk"), by=wang)

    assert report.ok and report.imported == 3
    assert Person.objects.get(employee_no="E3002").user.first_name == "刘洋"


def test_english_headers_semicolons_and_role_labels_are_understood(wang):
    text = (
        "Employee No;Name;Email;Roles;Language\n"
        "E4001;Amy Lee;amy@acme.test;Safety officer, operator;English\n"
    )

    report = import_people(text.encode(), by=wang)

    amy = Person.objects.get(employee_no="E4001")
    assert report.imported == 1
    assert amy.roles == ["operator", "safety_officer"] and amy.language == "en"


def test_rows_with_errors_import_nobody_and_each_error_names_its_row_and_column(as_wang):
    events_before = AuditEvent.objects.count()
    text = (
        "employee_no,name,email,area,job_role,roles\n"
        "E5001,Good One,good@acme.test,W1,welder,operator\n"
        "E5002,Bad Mail,not-an-email,W1,welder,operator\n"
        "E5003,No Area,no.area@acme.test,NOPE,welder,operator\n"
        "E5001,Twin,twin@acme.test,W1,welder,operator\n"
        "E5005,Taken,li@acme.test,W1,welder,pilot\n"
        ",,missing@acme.test,,,\n"
    )

    response = as_wang.post("/w/people/import/", {"file": _upload(text)})

    report = response.context["report"]
    assert response.status_code == 200
    assert set(_errors(report)) == {
        (3, "email", "invalid"),
        (4, "area", "not_found"),
        (5, "employee_no", "duplicate_in_file"),
        (6, "roles", "invalid"),
        (7, "employee_no", "required"),
        (7, "name", "required"),
    }
    html = response.content.decode()
    assert 'data-testid="import-errors"' in html and 'data-row="3" data-column="email"' in html
    assert not Person.objects.filter(employee_no__startswith="E500").exists()
    assert AuditEvent.objects.count() == events_before


def test_an_email_already_in_use_fails_its_row_through_the_service(wang):
    text = "employee_no,name,email\nE6001,Copy Cat,LI@acme.test\nE6002,Fine,fine@acme.test\n"

    report = import_people(text.encode(), by=wang)

    assert _errors(report) == [(2, "email", "duplicate")]
    assert report.imported == 0
    assert not Person.objects.filter(employee_no__in=["E6001", "E6002"]).exists()


def test_a_superior_listed_after_their_report_is_an_error(wang):
    text = "employee_no,name,email,superior\nE7001,A,a7@acme.test,E7002\nE7002,B,b7@acme.test,\n"

    report = import_people(text.encode(), by=wang)

    assert _errors(report) == [(2, "superior", "not_found")]


def test_a_file_with_unknown_or_missing_columns_is_refused_as_a_whole(wang):
    with pytest.raises(ValidationError) as unknown:
        import_people(b"employee_no,name,email,shoe_size\nE1,A,a@acme.test,42\n", by=wang)
    with pytest.raises(ValidationError) as missing:
        import_people(b"employee_no,name\nE1,A\n", by=wang)

    assert unknown.value.code == missing.value.code == "bad_header"
    assert "shoe_size" in unknown.value.message and "email" in missing.value.message


def test_too_many_rows_or_too_many_bytes_are_refused_with_a_clear_message(as_wang):
    rows = "".join(f"E{n},P{n},p{n}@acme.test\n" for n in range(csv_import.MAX_ROWS + 1))
    too_big = "employee_no,name,email\n" + "x" * csv_import.MAX_BYTES

    many = as_wang.post("/w/people/import/", {"file": _upload("工号,姓名,邮箱\n" + rows)})
    big = as_wang.post("/w/people/import/", {"file": _upload(too_big)})

    assert [e.code for e in many.context["form"].errors.as_data()["file"]] == ["too_many_rows"]
    assert [e.code for e in big.context["form"].errors.as_data()["file"]] == ["too_large"]
    assert not Person.objects.filter(employee_no="E1").exists()


def test_text_that_is_neither_utf8_nor_gbk_is_refused(wang):
    with pytest.raises(ValidationError) as exc:
        import_people(b"employee_no,name,email\n\xff\xfe\xfd\xfc\x80\x81", by=wang)

    assert exc.value.code == "encoding"


def test_admin_imports_equipment_with_chinese_status_and_dates(as_wang):
    text = (
        "设备编号,设备名称,设备类型,区域,状态,制造商,型号,出厂编号,额定参数,出厂日期\n"
        "PR-900,冲压机,PRESS,W1-A1,在用,扬力,JH21-315,YL-1,315 t,2021/6/30\n"
        "CR-900,行车,CRANE,W1-A2,under_repair,,,,,2019年3月5日\n"
    )

    response = as_wang.post("/w/equipment/import/", {"file": _upload(text, "gb18030")})

    press, crane = Equipment.objects.get(code="PR-900"), Equipment.objects.get(code="CR-900")
    assert response.status_code == 302 and response["Location"] == "/w/equipment/"
    assert (press.status, str(press.manufactured_on)) == ("in_service", "2021-06-30")
    assert (crane.status, str(crane.manufactured_on)) == ("under_repair", "2019-03-05")


def test_equipment_rows_with_errors_import_nothing(wang):
    text = (
        "code,name,type,area,status,manufactured_on\n"
        "OK-1,Fine,PRESS,W1-A1,,\n"
        "BAD-1,Unknown type,ROCKET,W1-A1,,\n"
        "BAD-2,Bad date,PRESS,W1-A1,,31/12/2020\n"
        "OK-1,Twin,PRESS,W1-A1,,\n"
        "BAD-3,Bad status,PRESS,W1-A1,exploded,\n"
    )

    report = import_equipment(text.encode(), by=wang)

    assert set(_errors(report)) == {
        (3, "type", "not_found"),
        (4, "manufactured_on", "invalid"),
        (5, "code", "duplicate_in_file"),
        (6, "status", "invalid"),
    }
    assert not Equipment.objects.filter(code__in=["OK-1", "BAD-1", "BAD-2", "BAD-3"]).exists()


def test_operator_cannot_import(as_zhang, zhang):
    response = as_zhang.post("/w/people/import/", {"file": _upload(PEOPLE_ZH)})

    assert response.status_code == 403
    assert as_zhang.get("/w/equipment/import/").status_code == 403
    with pytest.raises(PermissionDenied):
        import_equipment(b"code,name,type,area\nX,Y,PRESS,W1\n", by=zhang)
    assert not Person.objects.filter(employee_no="E3001").exists()


def test_sample_files_round_trip_through_the_import(as_wang):
    english = as_wang.get("/w/import/people/sample.csv")
    chinese = as_wang.get("/w/import/equipment/sample.csv?headers=zh")

    assert english["Content-Type"] == "text/csv; charset=utf-8"
    assert english.content.startswith(codecs.BOM_UTF8 + b"employee_no,name,email")
    assert chinese.content.decode("utf-8-sig").startswith("设备编号,设备名称")
    for url, body in (("/w/people/import/", english), ("/w/equipment/import/", chinese)):
        upload = SimpleUploadedFile("sample.csv", body.content, content_type="text/csv")
        assert as_wang.post(url, {"file": upload}).status_code == 302
    assert Person.objects.filter(employee_no="E9001").exists()
    assert Equipment.objects.filter(code="EQ-001").exists()


def test_globex_import_lands_in_globex_only(acme, globex, as_chen):
    text = "employee_no,name,email,area\nG1001,Gina,gina@globex.test,S1\n"

    response = as_chen.post("/w/people/import/", {"file": _upload(text)})

    assert response.status_code == 302
    with tenant_context(globex):
        assert Person.objects.filter(employee_no="G1001").exists()
    with tenant_context(acme):
        assert not Person.objects.filter(employee_no="G1001").exists()
