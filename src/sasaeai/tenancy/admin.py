from django.contrib import admin

from .models import Area, Membership, Municipality


class AreaInline(admin.TabularInline):
    model = Area
    extra = 0
    fields = ("layer", "name", "name_kana", "parent", "center_lat", "center_lon", "population_65_plus")


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "prefecture", "population", "population_65_plus", "is_synthetic")
    search_fields = ("code", "name", "name_kana")
    list_filter = ("prefecture", "is_synthetic")
    inlines = [AreaInline]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("name", "municipality", "layer", "population_65_plus")
    list_filter = ("layer",)
    search_fields = ("name", "name_kana", "municipality__name")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "municipality", "role", "started_at", "ended_at")
    list_filter = ("role", ("ended_at", admin.EmptyFieldListFilter))
    search_fields = ("user__display_name", "municipality__name")
    filter_horizontal = ("areas",)
    raw_id_fields = ("user",)

    def get_queryset(self, request):
        # Ended memberships too (the default manager holds only those in force).
        return Membership.history.select_related("user", "municipality")
