from django.urls import path

from . import views

app_name = "needs"

urlpatterns = [
    path("needs/", views.register, name="list"),
    path("needs/new/", views.new, name="new"),
    path("needs/import/", views.import_page, name="import"),
    path("needs/import/template.csv", views.import_template, name="import_template"),
    path("needs/gaps/", views.gap_page, name="gaps"),
    path("needs/gaps/data.json", views.gap_data, name="gaps_data"),
    path("needs/gaps/export.<str:fmt>", views.gap_export, name="gaps_export"),
    path("needs/<int:pk>/", views.detail, name="detail"),
    path("needs/<int:pk>/status/", views.change_status, name="status"),
    path("needs/<int:pk>/connect/", views.connect, name="connect"),
    path("needs/<int:pk>/links/<int:link_id>/remove/", views.disconnect, name="disconnect"),
]
