from __future__ import annotations

from django.contrib import admin

from samtrygg.areas.models import Area


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin[Area]):
    list_display = ["name", "partnership", "kind", "code"]
    list_filter = ["partnership", "kind"]
