from django.db import migrations, models

import safeloop.platform.gb6441


class Migration(migrations.Migration):
    """Library entries carry the GB 6441 edition their accident type is named in.

    Existing entries were written with 1986 names and are marked 1986 (history is
    not rewritten); the default afterwards is the edition in force.
    """

    dependencies = [
        ("hazards", "0008_library_picture"),
    ]

    operations = [
        migrations.AddField(
            model_name="libraryentry",
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
            model_name="libraryentry",
            name="accident_edition",
            field=models.CharField(
                choices=[("1986", "GB/T 6441-1986"), ("2025", "GB 6441-2025")],
                default=safeloop.platform.gb6441.edition_in_force,
                max_length=4,
                verbose_name="GB 6441 edition",
            ),
        ),
    ]
