from django.urls import path

from . import views

app_name = "kpis"
urlpatterns = [
    path("kpis/", views.dashboard, name="dashboard"),
    path("kpis/municipalities/", views.compare, name="compare"),
    path("kpis/targets/", views.targets, name="targets"),
    path("kpis/survey/", views.survey, name="survey"),
    path("kpis/report.pdf", views.report_pdf, name="report_pdf"),
    path("kpis/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("kpis/<slug:key>/records/", views.records, name="records"),
]
