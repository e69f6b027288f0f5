from django.contrib import admin

from .models import Landmark


@admin.register(Landmark)
class LandmarkAdmin(admin.ModelAdmin):
    """Operators enter a real municipality's station, city hall and support centres here."""

    list_display = ("id", "name", "kind", "municipality", "lat", "lon")
    list_filter = ("kind",)
    search_fields = ("name",)
    list_select_related = ("municipality",)
