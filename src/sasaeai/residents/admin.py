from django.contrib import admin

from .models import Resident


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ("id", "municipality", "area", "care_level", "frailty")
    list_filter = ("care_level", "frailty")
    raw_id_fields = ("user",)
    list_select_related = ("municipality", "area")
