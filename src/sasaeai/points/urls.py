from django.urls import path

from . import views

app_name = "points"
urlpatterns = [
    path("points/", views.mine, name="mine"),
    path("points/accounts/<int:pk>/redeem/", views.redeem, name="redeem"),
    path("points/accounts/<int:pk>/pay-time/", views.transfer, name="transfer"),
    path("points/accounts/<int:pk>/statement/<int:year>.pdf", views.statement, name="statement"),
    path("points/staff/pending/", views.pending, name="pending"),
    path("points/staff/office/", views.office, name="office"),
    path("points/admin/", views.schemes, name="schemes"),
    path("points/admin/schemes/<int:pk>/", views.scheme, name="scheme"),
    path("points/admin/schemes/<int:pk>/finance-FY<int:fy>.xlsx", views.finance, name="finance"),
    path("points/admin/redemptions/", views.redemptions, name="redemptions"),
    path("points/admin/credits/<int:pk>/reverse/", views.reverse_credit, name="reverse_credit"),
]
