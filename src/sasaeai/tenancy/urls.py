from django.urls import path

from . import views

app_name = "tenancy"
urlpatterns = [
    path("municipalities/<int:municipality_id>/", views.municipality_detail, name="municipality"),
    path("areas/<int:area_id>/", views.area_detail, name="area"),
]
