from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/preference/", views.preference, name="preference"),
    path("notifications/read/", views.mark_all_read, name="mark_all_read"),
]
