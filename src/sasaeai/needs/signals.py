"""Events of the needs app that other apps handle without this app depending on them.

`need_status_changed(sender=Need, need_id=…, from_status=…, to_status=…)` is sent inside the
transaction that changes a need's status, once per change, so what a receiver writes (a
notification and its delivery task) is rolled back with it. Receivers run in a savepoint of
their own and never make the change fail. Partners tells the staff member who reported a
watch-over alert that it was handled."""

from django.dispatch import Signal

need_status_changed = Signal()
