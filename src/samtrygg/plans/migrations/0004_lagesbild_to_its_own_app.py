# The lägesbild has moved to its own app (lagesbild 0001): problems and action plans point there,
# and the plans app forgets the two models. The tables, their rows and the foreign keys stay.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_changerecord_to_partnerships"),
        ("lagesbild", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="problem",
                    name="lagesbild",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="problems",
                        to="lagesbild.lagesbild",
                    ),
                ),
                migrations.AlterField(
                    model_name="actionplan",
                    name="lagesbild",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="action_plans",
                        to="lagesbild.lagesbild",
                    ),
                ),
                migrations.DeleteModel(name="SourceEntry"),
                migrations.DeleteModel(name="Lagesbild"),
            ],
            database_operations=[],
        ),
    ]
