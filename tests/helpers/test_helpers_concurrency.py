"""Concurrent writes on PostgreSQL (threads, one connection each): ratings arriving together
are all counted; two coordinators deciding the same qualification → exactly one decision."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from sasaeai.helpers import services
from sasaeai.helpers.models import HelperProfile, HelperQualification

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")


def _race(calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [], []
    lock = threading.Lock()

    def run(fn):
        try:
            barrier.wait()
            out = fn()
            with lock:
                results.append(out)
        except ValidationError as exc:
            with lock:
                errors.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            with lock:
                errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fn,)) for fn in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_concurrent_ratings_are_all_counted(world):
    profile = world["profile"]
    stars = [1, 2] * 10
    results, errors = _race([lambda s=s, i=i: services.record_rating(profile, s, source=f"review:{i}")
                             for i, s in enumerate(stars)])
    assert not errors and len(results) == 20
    profile = HelperProfile.objects.get(pk=profile.pk)
    assert profile.rating_count == 20 and profile.rating_avg == 1.5 and profile.flagged_at is not None


def test_same_review_counted_once_under_race(world):
    profile = world["profile"]
    results, errors = _race([lambda: services.record_rating(profile, 5, source="review:7") for _ in range(8)])
    assert not errors
    assert HelperProfile.objects.get(pk=profile.pk).rating_count == 1


def test_two_coordinators_decide_one_qualification(world, make_user):
    q = services.submit_qualification(world["profile"], world["helper"], "kangoshi")
    second = make_user("coordinator_l1", world["a"])
    results, errors = _race([
        lambda: services.review_qualification(q, world["coordinator"], True),
        lambda: services.review_qualification(q, second, False, "番号が一致しない"),
    ])
    assert len(results) == 1 and errors == ["not_submitted"]
    assert HelperQualification.objects.get(pk=q.pk).status in ("verified", "rejected")
