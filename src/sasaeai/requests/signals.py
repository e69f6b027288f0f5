"""Events of the requests app that other apps handle (consequences such as points are
handlers in their own app, not code in the request flow)."""

from django.dispatch import Signal

#: Sent inside the check-out transaction when a booking becomes completed: `booking`.
#: Receivers run in a savepoint of their own; a failing receiver never undoes the check-out.
booking_completed = Signal()
