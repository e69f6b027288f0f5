from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("exchange/", views.space_list, name="spaces"),
    path("exchange/spaces/<int:pk>/", views.space_detail, name="space"),
    path("exchange/spaces/<int:pk>/post/", views.thread_new, name="thread_new"),
    path("exchange/posts/<int:pk>/", views.thread_detail, name="thread"),
    path("exchange/posts/<int:pk>/reply/", views.reply_new, name="reply_new"),
    path("exchange/posts/<int:pk>/accept/", views.accept, name="accept"),
    path("exchange/posts/<int:pk>/react/", views.react, name="react"),
    path("exchange/posts/<int:pk>/report/", views.report, name="report"),
    path("exchange/posts/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("exchange/moderation/", views.moderation_log, name="moderation"),
    path("exchange/cafes/<int:pk>/", views.cafe_detail, name="cafe"),
    path("exchange/cafes/<int:pk>/register/", views.cafe_register, name="cafe_register"),
    path("exchange/cafes/<int:pk>/survey/", views.cafe_survey, name="cafe_survey"),
    path("exchange/cafes/<int:pk>/recording/", views.cafe_recording, name="cafe_recording"),
    path("exchange/spaces/<int:pk>/cafes/new/", views.cafe_new, name="cafe_new"),
]
