from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.login_view, name="login"),
    path("accounts/logout/", views.logout_view, name="logout"),
    path("accounts/otp/", views.otp_view, name="otp"),
    path("accounts/invitation/<str:token>/", views.invitation_view, name="invitation"),
]
