"""Operators' admin views of the requests app (read-mostly; writes go through services)."""

from django.contrib import admin

from .models import AutoOfferRule, Booking, HelpRequest, MatchingRun, Offer, Review


@admin.register(HelpRequest)
class HelpRequestAdmin(admin.ModelAdmin):
    list_display = ("id", "municipality", "area", "category", "starts_at", "status", "entered_by")
    list_filter = ("status", "category", "entered_by")
    raw_id_fields = ("recipient", "created_by", "cancelled_by", "area", "municipality")
    readonly_fields = ("status",)


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("id", "request", "helper", "status", "source", "rank")
    list_filter = ("status", "source")
    raw_id_fields = ("request", "helper", "offered_by")


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ("id", "request", "helper", "starts_at", "status")
    list_filter = ("status",)
    raw_id_fields = ("request", "helper", "offer", "municipality")
    readonly_fields = ("status",)


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("id", "booking", "direction", "stars")
    raw_id_fields = ("booking", "author")


@admin.register(AutoOfferRule)
class AutoOfferRuleAdmin(admin.ModelAdmin):
    list_display = ("municipality", "enabled", "top_n")


@admin.register(MatchingRun)
class MatchingRunAdmin(admin.ModelAdmin):
    list_display = ("id", "municipality", "day", "status", "method")
    raw_id_fields = ("municipality", "area", "created_by")
