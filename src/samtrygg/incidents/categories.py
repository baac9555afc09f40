"""The partnership's code list of categories."""

from __future__ import annotations

from samtrygg.incidents.models import SEED_CATEGORIES, Category
from samtrygg.partnerships.models import Partnership


def seed_categories(partnership: Partnership) -> list[Category]:
    """Give a partnership the EST seed categories it does not have yet."""
    existing = set(partnership.categories.values_list("name", flat=True))
    Category.objects.bulk_create(
        [
            Category(partnership=partnership, name=name, order=i)
            for i, name in enumerate(SEED_CATEGORIES)
            if name not in existing
        ]
    )
    return list(partnership.categories.all())
