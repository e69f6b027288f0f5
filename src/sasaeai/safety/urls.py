from django.urls import path

from . import views

app_name = "safety"
urlpatterns = [
    path("safety/", views.overview, name="overview"),
    path("safety/my-records/", views.my_records, name="my_records"),
    path("safety/residents/<int:resident_id>/", views.resident_detail, name="resident"),
    path("safety/residents/<int:resident_id>/consent/", views.consent_page, name="consent"),
    path("safety/residents/<int:resident_id>/access-log/", views.access_log_page, name="access_log"),
    path("safety/residents/<int:resident_id>/emergency-plan/", views.plan_page, name="plan"),
    path("safety/residents/<int:resident_id>/emergency/", views.emergency_start, name="emergency"),
    path("safety/residents/<int:resident_id>/incidents/new/", views.incident_new, name="incident_new"),
    path("safety/residents/<int:resident_id>/standards/", views.standards_page, name="standards"),
    path("safety/residents/<int:resident_id>/export.json", views.subject_export, name="subject_export"),
    path("safety/residents/<int:resident_id>/anonymise/", views.subject_anonymise, name="anonymise"),
    path("safety/access-log/export.<str:fmt>", views.access_log_export, name="access_log_export"),
    path("safety/emergencies/", views.alert_list, name="alerts"),
    path("safety/emergencies/<int:alert_id>/", views.alert_detail, name="alert"),
    path("safety/rules/<int:municipality_id>/", views.rules_page, name="rules"),
    path("safety/incidents/", views.incident_list, name="incidents"),
    path("safety/incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("safety/visit-alerts/", views.visit_alert_list, name="visit_alerts"),
    path("safety/visit-alerts/<int:alert_id>/", views.visit_alert_detail, name="visit_alert"),
    path("safety/visit-alerts/<int:alert_id>/resolve/", views.visit_alert_resolve, name="visit_alert_resolve"),
    path("safety/vetting/", views.vetting_audit, name="vetting_audit"),
    path("safety/recovery/issue/", views.recovery_issue, name="recovery_issue"),
    path("safety/recover/", views.recovery_redeem, name="recover"),
]
