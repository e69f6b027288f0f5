from django.urls import path

from . import views

app_name = "councils"

urlpatterns = [
    path("councils/", views.council_list, name="list"),
    path("councils/new/", views.council_new, name="council_new"),
    path("councils/<int:pk>/", views.council_detail, name="council"),
    path("councils/<int:pk>/members/", views.member_add, name="member_add"),
    path("councils/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("councils/<int:pk>/issues/new/", views.issue_new, name="issue_new"),
    path("councils/<int:pk>/calendar.ics", views.council_ical, name="ical"),
    path("councils/meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("councils/meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("councils/meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("councils/meetings/<int:pk>/notice/", views.meeting_notify, name="meeting_notify"),
    path("councils/meetings/<int:pk>/files/", views.meeting_file_add, name="meeting_file_add"),
    path("councils/meetings/<int:pk>/files/<int:file_id>/", views.meeting_file, name="meeting_file"),
    path("councils/meetings/<int:pk>/minutes.pdf", views.meeting_pdf, name="meeting_pdf"),
    path("councils/meetings/<int:pk>/summary/", views.meeting_public, name="meeting_public"),
    path("councils/summaries/", views.public_list, name="public"),
    path("councils/issues/", views.issue_list, name="issues"),
    path("councils/issues/<int:pk>/", views.issue_detail, name="issue"),
    path("councils/issues/<int:pk>/move/", views.issue_move, name="issue_move"),
    path("councils/issues/<int:pk>/resolve/", views.issue_resolve, name="issue_resolve"),
    path("councils/issues/<int:pk>/actions/", views.action_add, name="action_add"),
    path("councils/actions/<int:pk>/", views.action_update, name="action_update"),
    path("councils/proposals/", views.proposal_list, name="proposals"),
    path("councils/proposals/new/", views.proposal_new, name="proposal_new"),
    path("councils/proposals/<int:pk>/status/", views.proposal_decide, name="proposal_decide"),
]
