from django.urls import path

from . import views

app_name = "activity"
urlpatterns = [
    path("activity/", views.timesheet, name="timesheet"),
    path("activity/entries/new/", views.log_entry, name="log"),
    path("activity/entries/<int:pk>/delete/", views.delete_entry, name="delete"),
    path("activity/areas/<int:area_id>/", views.area_activity, name="area"),
    path("handover/", views.handover_home, name="handover_home"),
    path("areas/<int:area_id>/handover/", views.handover, name="handover"),
    path("areas/<int:area_id>/handover/notes/", views.notes_edit, name="notes_edit"),
    path("areas/<int:area_id>/handover/notes/<str:section>/history/", views.note_history, name="note_history"),
]
