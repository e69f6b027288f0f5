"""Signals other apps hook without this app depending on them.

`event_help_completed(sender=Attendance, attendance=…, event=…, person=…)` is sent once per
person and event (after the transaction commits) when a person signed up to help (`as_helper`)
is recorded as attending: the points app credits it (idempotent on the attendance id)."""

from django.dispatch import Signal

event_help_completed = Signal()
