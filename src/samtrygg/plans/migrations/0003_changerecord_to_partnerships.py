# The change log moves to the partnerships app (see partnerships 0002): the plans app forgets the
# model; the table and its rows stay.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0002_activity_responsible"),
        ("partnerships", "0002_changerecord_from_plans"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ChangeRecord")],
            database_operations=[],
        ),
    ]
