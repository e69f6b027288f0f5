from django.urls import path

from . import views

app_name = "helpers"
urlpatterns = [
    path("helpers/me/", views.my_profile, name="me"),
    path("helpers/me/about/", views.my_about, name="me_about"),
    path("helpers/me/home/", views.my_home, name="me_home"),
    path("helpers/me/skills/", views.my_skills, name="me_skills"),
    path("helpers/me/insurance/", views.my_insurance, name="me_insurance"),
    path("helpers/postal/", views.postal_lookup, name="postal"),
    path("helpers/me/availability/", views.my_availability, name="me_availability"),
    path("helpers/me/exceptions/", views.my_exception_add, name="me_exception_add"),
    path("helpers/me/exceptions/<int:pk>/delete/", views.my_exception_delete, name="me_exception_delete"),
    path("helpers/me/qualifications/", views.my_qualification_add, name="me_qualification_add"),
    path("helpers/me/identity/", views.my_identity, name="me_identity"),
    path("helpers/review/", views.review_queue, name="review"),
    path("helpers/review/qualifications/<int:pk>/", views.review_qualification, name="review_qualification"),
    path("helpers/review/identity/<int:pk>/", views.review_identity, name="review_identity"),
    path("helpers/staff/", views.helper_list, name="list"),
    path("helpers/staff/<int:pk>/", views.helper_detail, name="detail"),
    path("helpers/staff/<int:pk>/suspend/", views.suspend, name="suspend"),
    path("helpers/staff/<int:pk>/reinstate/", views.reinstate, name="reinstate"),
    path("helpers/staff/<int:pk>/clear-flag/", views.clear_flag, name="clear_flag"),
]
