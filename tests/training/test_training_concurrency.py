"""PostgreSQL: two organisers tick the same person's completion at once (and a helper registers
meanwhile) — one completion, one certificate, one verified qualification."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaeai.events import services as event_services
from sasaeai.events.models import Event
from sasaeai.helpers.models import HelperQualification
from sasaeai.tenancy.models import Role
from sasaeai.training import services
from sasaeai.training.models import Completion
from tests.concurrency import postgres_only, race  # noqa: F401 - fixture
from tests.requests.conftest import make_helper


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_ticks_make_one_completion(postgres_only, make_municipality, make_user, settings):  # noqa: F811
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    m = make_municipality(n_areas=1)
    organisers = [make_user(Role.COORDINATOR_L1, m) for _ in range(2)] + [make_user(Role.MUNICIPAL_ADMIN, m)]
    helpers = [make_helper(m) for _ in range(4)]
    course = services.create_course(by=organisers[0], municipality=m, title="認知症サポーター養成講座",
                                    kind="dementia_supporter")
    start = timezone.now() + dt.timedelta(days=1)
    session = services.add_session(by=organisers[0], course=course, starts_at=start,
                                   ends_at=start + dt.timedelta(hours=2), capacity=20, place="市民会館")
    for h in helpers:
        event_services.sign_up(by=h.user, event=session.event)
    past = timezone.now() - dt.timedelta(hours=3)
    Event.objects.filter(pk=session.event_id).update(starts_at=past, ends_at=past + dt.timedelta(hours=2))
    calls = [lambda o=o, h=h: services.record_completion(by=o, session=session, person=h.user)
             for h in helpers for o in organisers]
    results, errors = race(calls)
    assert errors == []
    assert sum(created for _c, created in results) == len(helpers)
    assert Completion.objects.count() == len(helpers)
    for h in helpers:
        assert HelperQualification.objects.filter(profile=h, code="ninchisho_supporter", status="verified").count() == 1
        assert len({c.pk for c, _created in results if c.person_id == h.user_id}) == 1
