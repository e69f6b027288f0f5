from django.urls import path

from . import views

app_name = "worklife"
urlpatterns = [
    path("worklife/care-managers/", views.directory, name="directory"),
    path("worklife/consult/", views.consult, name="consult"),
    path("worklife/c/<str:code>/", views.request_consultation, name="request"),
    path("worklife/requested/", views.requested, name="requested"),
    path("worklife/consultations/", views.consultation_list, name="list"),
    path("worklife/consultations/<int:pk>/", views.detail, name="detail"),
    path("worklife/consultations/<int:pk>/record/", views.record, name="record"),
    path("worklife/consultations/<int:pk>/plan/", views.plan, name="plan"),
    path("worklife/consultations/<int:pk>/consent/", views.consent, name="consent"),
    path("worklife/consultations/<int:pk>/handover/", views.handover, name="handover"),
    path("worklife/consultations/<int:pk>/share/", views.share, name="share"),
    path("worklife/consultations/<int:pk>/follow-ups/", views.follow_up, name="follow_up"),
    path("worklife/consultations/<int:pk>/follow-ups/<int:follow_up_id>/done/", views.follow_up_done,
         name="follow_up_done"),
    path("worklife/consultations/<int:pk>/close/", views.close, name="close"),
    path("worklife/consultations/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("worklife/employers/", views.employers, name="employers"),
    path("worklife/employers/<int:pk>/", views.employer, name="employer"),
    path("worklife/employers/<int:pk>/contracts/", views.contract, name="contract"),
    path("worklife/employers/<int:pk>/contacts/", views.contact, name="contact"),
    path("worklife/employers/<int:pk>/seminars/", views.seminar, name="seminar"),
    path("worklife/items/<int:pk>/", views.item, name="item"),
    path("worklife/handovers/", views.handovers, name="handovers"),
    path("worklife/handovers/<int:pk>/", views.handover_detail, name="handover_detail"),
    path("worklife/handovers/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("worklife/handovers/<int:pk>/proxy/", views.link_proxy, name="link_proxy"),
]
