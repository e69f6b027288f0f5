from django.urls import path

from . import views

app_name = "requests"
urlpatterns = [
    path("requests/", views.my_requests, name="mine"),
    path("requests/new/", views.new_request, name="new"),
    path("requests/intake/", views.intake, name="intake"),
    path("requests/<int:pk>/", views.detail, name="detail"),
    path("requests/<int:pk>/helper/", views.booked_helper, name="booked_helper"),
    path("requests/<int:pk>/publish/", views.publish, name="publish"),
    path("requests/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("requests/<int:pk>/dispute/", views.dispute, name="dispute"),
    path("requests/<int:pk>/offer/", views.offer, name="offer"),
    path("requests/<int:pk>/messages/", views.send_message, name="message"),
    path("requests/<int:pk>/introduction/", views.introduction, name="introduction"),
    path("requests/<int:pk>/introduction/<int:intro_id>/", views.answer_introduction, name="introduction_answer"),
    path("requests/offers/<int:offer_id>/withdraw/", views.withdraw, name="withdraw"),
    path("requests/board/", views.board, name="board"),
    path("requests/matching/", views.batch, name="batch"),
    path("requests/matching/<int:run_id>/", views.run_detail, name="run"),
    path("requests/matching/<int:run_id>/lines/<int:line_id>/", views.run_edit, name="run_edit"),
    path("requests/matching/<int:run_id>/lines/<int:line_id>/choose/", views.run_line, name="run_line"),
    path("requests/matching/<int:run_id>/confirm/", views.run_confirm, name="run_confirm"),
    path("requests/matching/<int:run_id>/discard/", views.run_discard, name="run_discard"),
    path("requests/helper/offers/", views.offers, name="offers"),
    path("requests/helper/offers/<int:offer_id>/accept/", views.accept, name="accept"),
    path("requests/helper/offers/<int:offer_id>/decline/", views.decline, name="decline"),
    path("requests/helper/schedule/", views.schedule, name="schedule"),
    path("requests/bookings/<int:booking_id>/", views.booking_detail, name="booking"),
    path("requests/bookings/<int:booking_id>/check-in/", views.check_in, name="check_in"),
    path("requests/bookings/<int:booking_id>/check-out/", views.check_out, name="check_out"),
    path("requests/bookings/<int:booking_id>/give-back/", views.give_back, name="give_back"),
    path("requests/bookings/<int:booking_id>/no-show/", views.no_show, name="no_show"),
    path("requests/bookings/<int:booking_id>/review/", views.review, name="review"),
]
