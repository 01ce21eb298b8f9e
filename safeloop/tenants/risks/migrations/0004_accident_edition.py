import django.contrib.postgres.fields
from django.db import migrations, models

import safeloop.platform.gb6441


class Migration(migrations.Migration):
    """Hazard sources carry the GB 6441 edition their accident types follow.

    Every existing row was written in the 1986 types, so it is marked 1986 and
    keeps them (history is not rewritten); the field's default afterwards is the
    edition in force, so rows written from now on follow the date rule.
    """

    dependencies = [
        ("risks", "0003_basis"),
    ]

    operations = [
        migrations.AddField(
            model_name="hazardsource",
            name="accident_edition",
            field=models.CharField(
                choices=[("1986", "GB/T 6441-1986"), ("2025", "GB 6441-2025")],
                default="1986",
                max_length=4,
                verbose_name="GB 6441 edition",
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="hazardsource",
            name="accident_edition",
            field=models.CharField(
                choices=[("1986", "GB/T 6441-1986"), ("2025", "GB 6441-2025")],
                default=safeloop.platform.gb6441.edition_in_force,
                max_length=4,
                verbose_name="GB 6441 edition",
            ),
        ),
        # The codes are now checked against the row's edition by the services,
        # so the column no longer lists the 1986 choices.
        migrations.AlterField(
            model_name="hazardsource",
            name="accident_types",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(max_length=30), default=list, size=None
            ),
        ),
    ]
