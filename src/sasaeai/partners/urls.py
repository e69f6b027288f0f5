from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("partners/", views.registry, name="registry"),
    path("partners/register/", views.register, name="register"),
    path("partners/<int:pk>/", views.partner_detail, name="partner"),
    path("partners/registrations/<int:pk>/review/", views.registration_review, name="registration_review"),
    path("partners/registrations/<int:pk>/renew/", views.registration_renew, name="registration_renew"),
    path("partners/agreements/", views.agreements, name="agreements"),
    path("partners/agreements/new/", views.agreement_new, name="agreement_new"),
    path("partners/agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("partners/agreements/<int:pk>/document/", views.agreement_document, name="agreement_document"),
    path("partners/agreements/<int:pk>/upload/", views.agreement_upload, name="agreement_upload"),
    path("partners/agreements/<int:pk>/renew/", views.agreement_renew, name="agreement_renew"),
    path("partners/agreements/items/<int:pk>/report/", views.item_report, name="item_report"),
    path("partners/alerts/", views.alert_receipts, name="alerts"),
    path("partners/alerts/new/", views.alert_new, name="alert_new"),
    path("partners/challenges/", views.challenges, name="challenges"),
    path("partners/challenges/new/", views.challenge_new, name="challenge_new"),
    path("partners/challenges/<int:pk>/", views.challenge_detail, name="challenge"),
    path("partners/challenges/<int:pk>/propose/", views.propose, name="propose"),
    path("partners/challenges/<int:pk>/close/", views.challenge_close, name="challenge_close"),
    path("partners/proposals/", views.proposals, name="proposals"),
    path("partners/proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("partners/proposals/<int:pk>/review/", views.proposal_review, name="proposal_review"),
    path("partners/proposals/<int:pk>/progress/", views.proposal_progress, name="proposal_progress"),
    path("partners/proposals/<int:pk>/live/", views.proposal_live, name="proposal_live"),
    path("partners/proposals/<int:pk>/revise/", views.proposal_revise, name="proposal_revise"),
]
