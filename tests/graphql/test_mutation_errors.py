"""Every mutation reports an expected failure in its payload, never as a raw error.

Each mutation of the schema is called once in a way that must fail (an ID that
names nothing here, a caller without the permission, or bad input) and the payload must
carry ``errors { field code message }`` while the response has no top-level
``errors``. The cases are keyed by the schema's own mutation fields, so a new
mutation without a case here fails ``test_every_mutation_has_a_failing_case``.
"""

from __future__ import annotations

import pytest
from strawberry import relay

from safeloop.graphql.errors import ErrorsInPayload
from safeloop.graphql.schema import schema
from tests.graphql.conftest import run

PERMISSION_DENIED = (None, "permission_denied")


def _nowhere(type_name: str) -> str:
    """A well-formed ID of ``type_name`` that names no row of Acme."""
    return str(relay.GlobalID(type_name, "acme.999999"))


def _not_found(field: str, type_name: str, **rest) -> tuple[str, dict, tuple]:
    """As the admin, who may do everything: ``field`` names nothing here."""
    return "wang", {field: _nowhere(type_name), **rest}, (field, "not_found")


def _refused(**given) -> tuple[str, dict, tuple]:
    """As Zhang San, an operator, who may not configure anything."""
    return "zhang", given, PERMISSION_DENIED


# mutation -> (who calls it, input, the (field, code) of the first error)
CASES = {
    "createApiToken": ("wang", {"name": " "}, ("name", "required")),
    "revokeApiToken": _not_found("id", "ApiToken"),
    "createArea": _refused(code="QC-X", name="测试区", nameEn="Test", kind="AREA"),
    "updateArea": _not_found("id", "Area"),
    "createEquipment": _not_found(
        "equipmentType", "EquipmentType", code="QC-X", name="测试设备", area=_nowhere("Area")
    ),
    "updateEquipment": _not_found("id", "Equipment"),
    "createPerson": _refused(email="new@acme.test", fullName="New Person", employeeNo="E9999"),
    "updatePerson": _not_found("id", "Person"),
    "reportHazard": _not_found(
        "area", "Area", description="油管漏油", isNearMiss=False, anonymous=False, photos=[]
    ),
    "startRectification": _not_found("id", "Hazard"),
    "submitRectification": _not_found(
        "id", "Hazard", description="已修", afterPhotos=[], signature="", testResult=""
    ),
    "acceptHazard": _not_found("id", "Hazard", signature="", note=""),
    "rejectHazard": _not_found("id", "Hazard", reason="未修好"),
    "reassignHazard": _not_found("id", "Hazard", assignee=_nowhere("Person"), reason="换人"),
    "dismissHazard": _not_found("id", "Hazard", reason="不是隐患"),
    "confirmHazardClause": _not_found("id", "Hazard", reason="现场核实"),
    "overruleHazardClause": _not_found("id", "Hazard", reason="不适用"),
    "orderStopWork": _not_found("id", "Hazard", scope="停止作业"),
    "saveMajorPlan": _not_found(
        "id",
        "Hazard",
        goal="目标",
        measures="措施",
        funds="经费",
        people="人员",
        deadline="2030-01-01T08:00:00+08:00",
        interimMeasures="警戒",
    ),
    "approveMajorPlan": _not_found("id", "Hazard"),
    "recordMajorAssessment": _not_found(
        "id", "Hazard", assessors="专家组", conclusion="有效", passed=True
    ),
    "recordMajorReport": _not_found("id", "Hazard", recipient="REGULATOR"),
    "requestDeadlineExtension": _not_found(
        "id", "Hazard", newDeadline="2030-01-01T08:00:00+08:00", reason="等备件"
    ),
    "decideDeadlineExtension": _not_found("id", "DeadlineExtension", approve=True, note=""),
    "updateGradePolicy": _refused(grade="GENERAL", deadlineHours=48),
    "createRoutingRule": _refused(priority=1, isActive=True, catchAll=True),
    "updateRoutingRule": _not_found("id", "RoutingRule"),
    "setAnonymousReporting": _refused(enabled=True),
    "startInspection": _not_found("point", "Point"),
    "submitInspection": _not_found("point", "Point", answers=[], photos=[], note=""),
    "skipTaskPoint": _not_found("taskPoint", "TaskPoint", reason="门锁着"),
    "startPatrol": _not_found("route", "PatrolRoute"),
    "createHazardFromAnswer": _not_found("answer", "Answer", description=""),
    "createChecklist": _refused(code="QC-X", name="测试表", nameEn="Test", items=[]),
    "reviseChecklist": _not_found("id", "Checklist", items=[]),
    "updateChecklist": _not_found("id", "Checklist"),
    "createPlan": _refused(
        name="测试计划",
        nameEn="Test",
        cadence="DAILY_PRE_SHIFT",
        rrule="",
        assignees=[],
        checklists=[],
        pointSelection="SUBTREE",
        points=[],
    ),
    "updatePlan": _not_found("id", "InspectionPlan"),
    "bindChecklist": _not_found("checklist", "Checklist"),
    "unbindChecklist": _not_found("id", "ChecklistBinding"),
    "createRoute": _refused(name="测试路线", nameEn="Test", shift="DAY", points=[]),
    "updateRoute": _not_found("id", "PatrolRoute"),
    "createRiskPoint": _refused(
        code="QC-X", name="测试点", nameEn="Test", kind="AREA", description="", descriptionEn=""
    ),
    "updateRiskPoint": _not_found("id", "RiskPoint"),
    "setHazardSources": _not_found("id", "RiskPoint", sources=[]),
    "assessRisk": _not_found("id", "RiskPoint", inherent={"l": 6, "e": 6, "c": 15}),
    "setRiskMethod": _refused(method="MATRIX"),
    "updateRiskSettings": _refused(emergencyPhone="110"),
    "addControlMeasure": _not_found(
        "riskPoint", "RiskPoint", kind="ENGINEERING", level="COMPANY", description="加装防护罩"
    ),
    "updateControlMeasure": _not_found("id", "ControlMeasure"),
    "removeControlMeasure": _not_found("id", "ControlMeasure"),
    "syncCheckItems": _not_found("id", "RiskPoint"),
    "markNotificationsRead": ("zhang", {"ids": [_nowhere("Notification")]}, ("ids", "not_found")),
    "createQuestionCategory": _refused(code="QC-X", name="测试题库", nameEn="Test"),
    "updateQuestionCategory": _not_found("id", "QuestionCategory", name="改名"),
    "createQuestion": _not_found(
        "category",
        "QuestionCategory",
        kind="TRUE_FALSE",
        text="动火作业前须办理动火作业票。",
        choices=[{"text": "正确", "correct": True}, {"text": "错误"}],
    ),
    "updateQuestion": _not_found(
        "id",
        "Question",
        category=_nowhere("QuestionCategory"),
        kind="TRUE_FALSE",
        text="动火作业前须办理动火作业票。",
        choices=[{"text": "正确", "correct": True}, {"text": "错误"}],
    ),
    "retireQuestion": _not_found("id", "Question"),
    "configureQuiz": ("wang", {"courseId": 999999, "sources": []}, ("courseId", "not_found")),
    "startQuiz": _not_found("quiz", "Quiz"),
    "answerQuestion": _not_found("attempt", "QuizAttempt", questionId=1, choiceIds=[1]),
    "submitAttempt": _not_found("attempt", "QuizAttempt"),
    "savePack": _refused(code="PK-X", name="测试课程包", courseCodes=[]),
    "revokeCertificate": _refused(id=_nowhere("TrainingCertificate"), reason="作废"),
    "recordLessonProgress": _not_found("lesson", "Lesson", readToEnd=True),
    "revokeSitePass": _not_found("id", "SitePass", reason="违章"),
    "reinstateSitePass": _not_found("id", "SitePass"),
    "blacklistContractorWorker": _not_found("id", "ContractorWorker", reason="违章"),
    "unblacklistContractorWorker": _not_found("id", "ContractorWorker"),
    "gateCheck": _refused(token="forged"),
    "submitSupplierReport": _refused(),
    "reviewSupplierReport": _not_found("id", "SupplierReport", accept=True),
    "acknowledgeIotAlarm": _not_found("id", "IotAlarm"),
    "registerIotDevice": _not_found("area", "Area", code="qc-x", name="测试检测仪", kind="GAS"),
    "setIotThreshold": _not_found("sensor", "IotSensor", level=1, limit=0.5),
    "setIotResponsePlan": _refused(kind="GAS", level=1, roles=[], areaPeople=True),
    "resetIotResponsePlan": _refused(kind="GAS", level=2),
    "startCheckout": _refused(plan="standard"),
    "openBillingPortal": _refused(),
    "saveInvoicing": ("wang", {"invoiceTitle": "Acme", "taxId": "123"}, ("taxId", "bad_tax_id")),
}


def _mutations() -> dict[str, object]:
    """The schema's mutation fields by their GraphQL name."""
    definition = schema.get_type_by_name("Mutation")
    convert = schema.config.name_converter.from_field
    return {convert(field): field for field in definition.fields}


def _input_type(name: str) -> str:
    (argument,) = _mutations()[name].arguments
    return argument.type.__strawberry_definition__.name


def test_every_mutation_has_a_failing_case():
    assert sorted(_mutations()) == sorted(CASES)


def test_every_mutation_returns_errors_through_the_payload():
    without = [
        name
        for name, field in _mutations().items()
        if not any(isinstance(extension, ErrorsInPayload) for extension in field.extensions)
    ]

    assert without == [], "declare these with safeloop.graphql.errors.mutation"


@pytest.mark.parametrize("name", sorted(CASES))
def test_mutation_failure_comes_back_in_the_payload(name, acme_client, request):
    who, given, (field, code) = CASES[name]
    acme_client.force_login(request.getfixturevalue(who))
    document = (
        f"mutation Fail($input: {_input_type(name)}!) "
        f"{{ {name}(input: $input) {{ errors {{ field code message }} }} }}"
    )

    errors = run(acme_client, document, {"input": given})[name]["errors"]

    assert [(e["field"], e["code"]) for e in errors][:1] == [(field, code)], errors
    assert all(e["message"].strip() for e in errors), errors
