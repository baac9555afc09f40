"""Sensitive categories are not counted on the public page unless a coordinator chooses so.

Before, every category was public by default, sensitive ones too, without anyone having chosen
it; this takes sensitive categories off the public page. A coordinator can publish one again
(Categories → Edit), with a warning.
"""

from typing import Any

from django.db import migrations


def take_sensitive_off_the_public_page(apps: Any, schema_editor: Any) -> None:
    Category = apps.get_model("incidents", "Category")
    Category.objects.filter(is_sensitive=True, is_public=True).update(is_public=False)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0004_category_is_public")]

    operations = [
        migrations.RunPython(take_sensitive_off_the_public_page, migrations.RunPython.noop),
    ]
