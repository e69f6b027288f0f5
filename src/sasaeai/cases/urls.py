from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("cases/", views.case_list, name="list"),
    path("cases/refer/", views.refer, name="refer"),
    path("cases/referrals/", views.referrals, name="referrals"),
    path("cases/caseload/", views.caseload, name="caseload"),
    path("cases/<int:pk>/", views.detail, name="detail"),
    path("cases/<int:pk>/accept/", views.accept, name="accept"),
    path("cases/<int:pk>/decline/", views.decline, name="decline"),
    path("cases/<int:pk>/conversation/", views.conversation, name="conversation"),
    path("cases/<int:pk>/plan/", views.plan, name="plan"),
    path("cases/<int:pk>/options/<int:option_id>/", views.option, name="option"),
    path("cases/<int:pk>/follow-ups/", views.follow_up, name="follow_up"),
    path("cases/<int:pk>/follow-ups/<int:follow_up_id>/done/", views.follow_up_done, name="follow_up_done"),
    path("cases/<int:pk>/close/", views.close, name="close"),
]
