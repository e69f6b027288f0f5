from django.contrib import admin

from .models import ChangeRecord, Location, Organization, Schedule, Service, Suggestion


class ScheduleInline(admin.TabularInline):
    model = Schedule
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "municipality", "area", "category", "visibility", "status", "last_verified_at")
    list_filter = ("category", "visibility", "status")
    search_fields = ("name", "name_kana")
    raw_id_fields = ("organization", "location", "verified_by", "area")
    list_select_related = ("municipality", "area")
    inlines = [ScheduleInline]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "municipality")
    search_fields = ("name",)
    filter_horizontal = ("members",)


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "municipality", "lat", "lon", "h3_cell")
    search_fields = ("name", "address")


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ("id", "municipality", "area", "service", "state", "created_at")
    list_filter = ("state",)
    raw_id_fields = ("service", "submitted_by", "reviewed_by")


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = ("id", "service", "action", "user", "created_at")
    list_filter = ("action",)
    raw_id_fields = ("service", "user", "suggestion")

    def has_change_permission(self, request, obj=None):
        return False  # history is append-only

    def has_delete_permission(self, request, obj=None):
        return False
