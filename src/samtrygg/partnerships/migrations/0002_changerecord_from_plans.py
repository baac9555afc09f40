# The change log moves from the plans app to partnerships. Only Django's state moves: the table
# keeps its name (plans_changerecord) and its rows, so an existing installation loses nothing.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0001_initial"),
        ("plans", "0002_activity_responsible"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ChangeRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("object_type", models.CharField(max_length=50)),
                        ("object_id", models.PositiveBigIntegerField()),
                        ("action", models.CharField(max_length=50)),
                        ("details", models.JSONField(blank=True, default=dict)),
                        ("at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "partnership",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="plan_changes",
                                to="partnerships.partnership",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "plans_changerecord",
                        "ordering": ["-at", "-id"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
