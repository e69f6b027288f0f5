"""PostgreSQL: 50 people sign up at once for the last 5 places."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaeai.events import services
from sasaeai.events.models import SignUp, SignUpStatus
from sasaeai.tenancy.models import Role
from tests.concurrency import postgres_only, race  # noqa: F401 - fixture


@pytest.mark.django_db(transaction=True)
def test_fifty_for_the_last_five_places(postgres_only, make_municipality, make_user, settings):  # noqa: F811
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    m = make_municipality(n_areas=1)
    sc = make_user(Role.COORDINATOR_L1, m)
    start = timezone.now() + dt.timedelta(days=3)
    ev = services.create_event(by=sc, municipality=m, title="講座", event_type="course", starts_at=start,
                               ends_at=start + dt.timedelta(hours=2), capacity=10, place="市民会館")[0]
    for _ in range(5):
        services.sign_up(by=make_user(Role.RESIDENT, m), event=ev)
    people = [make_user(Role.RESIDENT, m) for _ in range(50)]
    results, errors = race([lambda p=p: services.sign_up(by=p, event=ev) for p in people])
    assert errors == []
    late = SignUp.objects.filter(person__in=people).order_by("id")
    assert late.filter(status=SignUpStatus.CONFIRMED).count() == 5
    waiting = list(late.filter(status=SignUpStatus.WAITING).order_by("id"))
    assert len(waiting) == 45
    # Arrival order: ids are given under the event's lock, so the 5 confirmed came first.
    statuses = [s.status for s in late]
    assert statuses == [SignUpStatus.CONFIRMED] * 5 + [SignUpStatus.WAITING] * 45
    # Cancellations promote in order.
    confirmed = list(late.filter(status=SignUpStatus.CONFIRMED))
    for i, s in enumerate(confirmed[:3]):
        services.cancel_signup(by=s.person, signup=s)
        offered = SignUp.objects.filter(event=ev, status=SignUpStatus.OFFERED).order_by("id")
        assert [o.pk for o in offered] == [w.pk for w in waiting[: i + 1]]
