from django.urls import path

from . import views

app_name = "workactivity"

urlpatterns = [
    path("work/", views.task_list, name="tasks"),
    path("work/new/", views.task_new, name="new"),
    path("work/me/", views.mine, name="mine"),
    path("work/<int:pk>/", views.task_detail, name="detail"),
    path("work/<int:pk>/status/", views.task_status, name="status"),
    path("work/<int:pk>/confirm/", views.task_confirm, name="confirm"),
    path("work/placements/<int:pk>/withdraw/", views.placement_withdraw, name="withdraw"),
    path("work/placements/<int:pk>/participation/", views.participation, name="participation"),
]
