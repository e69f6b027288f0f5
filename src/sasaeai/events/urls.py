from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("events/", views.event_list, name="list"),
    path("events/new/", views.event_new, name="new"),
    path("events/publish/", views.publish, name="publish"),
    path("events/mine/", views.my_events, name="mine"),
    path("events/mine.ics", views.my_ical, name="my_ical"),
    path("events/municipality/<int:pk>.ics", views.municipality_ical, name="municipality_ical"),
    path("events/area/<int:pk>.ics", views.area_ical, name="area_ical"),
    path("events/<int:pk>/", views.event_detail, name="detail"),
    path("events/<int:pk>/signup/", views.signup, name="signup"),
    path("events/<int:pk>/cancel/", views.event_cancel, name="cancel"),
    path("events/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("events/signups/<int:pk>/cancel/", views.signup_cancel, name="signup_cancel"),
    path("events/signups/<int:pk>/confirm/", views.signup_confirm, name="signup_confirm"),
    path("events/signups/<int:pk>/qr.svg", views.signup_qr, name="signup_qr"),
    path("events/checkin/<str:code>/", views.checkin, name="checkin"),
    path("events/followups/", views.followup_list, name="followups"),
    path("events/followups/<int:pk>/", views.followup_detail, name="followup"),
    path("events/followups/<int:pk>/done/", views.followup_done, name="followup_done"),
    path("events/followups/<int:pk>/register/", views.followup_register, name="followup_register"),
]
