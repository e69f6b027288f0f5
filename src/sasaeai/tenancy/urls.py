from django.urls import path

from . import views

app_name = "tenancy"
urlpatterns = [
    path("municipalities/<int:municipality_id>/", views.municipality_detail, name="municipality"),
    path("areas/<int:area_id>/", views.area_detail, name="area"),
    # Staff and area administration (municipal administrators of the municipality, operators).
    path("staff/", views.staff_home, name="staff_home"),
    path("municipalities/<int:municipality_id>/staff/", views.staff_list, name="staff"),
    path("municipalities/<int:municipality_id>/staff/invite/", views.staff_invite, name="staff_invite"),
    path("municipalities/<int:municipality_id>/areas/", views.areas_manage, name="areas_manage"),
    path("municipalities/<int:municipality_id>/staff-record/", views.audit_page, name="audit"),
    path("areas/<int:area_id>/edit/", views.area_edit, name="area_edit"),
    path("staff/memberships/<int:membership_id>/", views.membership_detail, name="membership"),
    path("staff/memberships/<int:membership_id>/deactivate/", views.membership_deactivate,
         name="membership_deactivate"),
    path("staff/memberships/<int:membership_id>/reactivate/", views.membership_reactivate,
         name="membership_reactivate"),
    path("staff/memberships/<int:membership_id>/reset-second-factor/", views.membership_reset_second_factor,
         name="membership_reset_second_factor"),
    path("staff/memberships/<int:membership_id>/resend-invitation/", views.invitation_resend,
         name="invitation_resend"),
]
