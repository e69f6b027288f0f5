"""PostgreSQL: twelve coordinators of two municipalities register at once for an SC Café with
four places — four confirmed, eight on its waiting list, one registration each; registering
twice at once still gives one sign-up."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaeai.events.models import SignUp
from sasaeai.exchange import services
from sasaeai.exchange.models import CafeRegistration
from sasaeai.tenancy.models import Role
from tests.concurrency import postgres_only, race  # noqa: F401 - fixture


@pytest.mark.django_db(transaction=True)
def test_twelve_coordinators_for_four_cafe_places(postgres_only, make_municipality, make_user,  # noqa: F811
                                                  settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    a, b = make_municipality(n_areas=1), make_municipality(n_areas=1)
    operator = make_user(Role.OPERATOR, None)
    space = services.create_space(by=operator, name="SCの場", scope="prefecture", prefecture=a.prefecture)
    organiser = make_user(Role.COORDINATOR_L1, a)
    cafe = services.create_cafe(by=organiser, space=space, title="SCカフェ", capacity=4,
                                starts_at=timezone.now() + dt.timedelta(days=2))
    people = [make_user(Role.COORDINATOR_L1, a if i % 2 else b) for i in range(12)]
    results, errors = race([lambda p=p: services.register_cafe(by=p, session=cafe) for p in people])
    assert errors == []
    signups = SignUp.objects.filter(event=cafe.event).order_by("id")
    assert [s.status for s in signups] == ["confirmed"] * 4 + ["waiting"] * 8
    assert CafeRegistration.objects.filter(session=cafe).count() == 12
    fresh = make_user(Role.COORDINATOR_L2, a)
    again, errors = race([lambda: services.register_cafe(by=fresh, session=cafe)] * 4)
    assert errors == []
    assert SignUp.objects.filter(event=cafe.event, person=fresh).count() == 1
    assert CafeRegistration.objects.filter(session=cafe, user=fresh).count() == 1
