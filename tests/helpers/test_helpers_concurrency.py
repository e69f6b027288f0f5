"""Concurrent writes on PostgreSQL (threads, one connection each): ratings arriving together
are all counted; two coordinators deciding the same qualification → exactly one decision."""

import pytest

from sasaeai.helpers import services
from sasaeai.helpers.models import HelperProfile, HelperQualification
from tests.concurrency import postgres_only, race  # noqa: F401 - fixture

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_concurrent_ratings_are_all_counted(world):
    profile = world["profile"]
    stars = [1, 2] * 10
    results, errors = race([lambda s=s, i=i: services.record_rating(profile, s, source=f"review:{i}")
                             for i, s in enumerate(stars)])
    assert not errors and len(results) == 20
    profile = HelperProfile.objects.get(pk=profile.pk)
    assert profile.rating_count == 20 and profile.rating_avg == 1.5 and profile.flagged_at is not None


def test_same_review_counted_once_underrace(world):
    profile = world["profile"]
    results, errors = race([lambda: services.record_rating(profile, 5, source="review:7") for _ in range(8)])
    assert not errors
    assert HelperProfile.objects.get(pk=profile.pk).rating_count == 1


def test_two_coordinators_decide_one_qualification(world, make_user):
    q = services.submit_qualification(world["profile"], world["helper"], "kangoshi")
    second = make_user("coordinator_l1", world["a"])
    results, errors = race([
        lambda: services.review_qualification(q, world["coordinator"], True),
        lambda: services.review_qualification(q, second, False, "番号が一致しない"),
    ])
    assert len(results) == 1 and errors == ["not_submitted"]
    assert HelperQualification.objects.get(pk=q.pk).status in ("verified", "rejected")
