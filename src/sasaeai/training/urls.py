from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("training/", views.course_list, name="list"),
    path("training/new/", views.course_new, name="new"),
    path("training/mine/", views.my_training, name="mine"),
    path("training/verify/", views.verify, name="verify"),
    path("training/verify/<str:code>/", views.verify_code, name="verify_code"),
    path("training/<int:pk>/", views.course_detail, name="detail"),
    path("training/<int:pk>/sessions/", views.session_new, name="session_new"),
    path("training/sessions/<int:pk>/", views.session_completions, name="session"),
    path("training/completions/<int:pk>/revoke/", views.completion_revoke, name="revoke"),
    path("training/completions/<int:pk>/certificate.pdf", views.certificate_pdf, name="certificate"),
]
