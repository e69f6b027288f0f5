from django.urls import path

from . import views

app_name = "directory"
urlpatterns = [
    path("directory/", views.search_page, name="search"),
    path("directory/map/", views.map_page, name="map"),
    path("directory/map/data.json", views.map_data, name="map_data"),
    path("directory/new/", views.create, name="create"),
    path("directory/manage/", views.manage, name="manage"),
    path("directory/suggest/", views.suggest, name="suggest_new"),
    path("directory/r/<int:pk>/", views.detail, name="detail"),
    path("directory/r/<int:pk>/edit/", views.edit, name="edit"),
    path("directory/r/<int:pk>/verify/", views.verify, name="verify"),
    path("directory/r/<int:pk>/history/", views.history, name="history"),
    path("directory/r/<int:pk>/suggest/", views.suggest, name="suggest"),
    path("directory/moderation/", views.moderation, name="moderation"),
    path("directory/moderation/<int:pk>/", views.review, name="review"),
    path("directory/paper/", views.paper_page, name="paper"),
    path("directory/paper/booklet.pdf", views.booklet, name="booklet"),
    path("directory/paper/calendar.pdf", views.calendar, name="calendar"),
    path("directory/exchange/", views.exchange, name="exchange"),
    path("directory/exchange/jobs/<int:pk>/", views.import_job, name="import_job"),
    path("directory/exchange/<str:what>", views.download, name="download"),
]
