"""The three plans as data, and the old "enterprise" plan value renamed "professional"."""

from decimal import Decimal

from django.db import migrations

# Trial: as generous as Professional, so that nobody trying SafeLoop meets a limit
# (搭贝's "free first month, no user or data limit").
PLANS = [
    {
        "code": "trial",
        "name_en": "Free trial",
        "name_zh": "免费试用",
        "price_cny": Decimal("0"),
        "price_usd": Decimal("0"),
        "max_people": 1000,
        "max_qr_points": 3000,
        "max_devices": 500,
        "max_storage_mb": 51200,
        "order": 0,
    },
    {
        "code": "standard",
        "name_en": "Standard",
        "name_zh": "标准版",
        "price_cny": Decimal("999.00"),
        "price_usd": Decimal("149.00"),
        "max_people": 200,
        "max_qr_points": 500,
        "max_devices": 50,
        "max_storage_mb": 20480,
        "order": 1,
    },
    {
        "code": "professional",
        "name_en": "Professional",
        "name_zh": "专业版",
        "price_cny": Decimal("2999.00"),
        "price_usd": Decimal("449.00"),
        "max_people": 1000,
        "max_qr_points": 3000,
        "max_devices": 500,
        "max_storage_mb": 204800,
        "order": 2,
    },
]


def seed(apps, schema_editor):
    BillingPlan = apps.get_model("platform", "BillingPlan")
    Enterprise = apps.get_model("platform", "Enterprise")
    for plan in PLANS:
        code = plan["code"]
        BillingPlan.objects.update_or_create(
            code=code, defaults={k: v for k, v in plan.items() if k != "code"}
        )
    Enterprise.objects.filter(plan="enterprise").update(plan="professional")


def unseed(apps, schema_editor):
    apps.get_model("platform", "BillingPlan").objects.all().delete()
    apps.get_model("platform", "Enterprise").objects.filter(plan="professional").update(
        plan="enterprise"
    )


class Migration(migrations.Migration):
    dependencies = [("platform", "0008_billing")]

    operations = [migrations.RunPython(seed, unseed)]
