"""A race is never a 500 (issue 10 §1): a transaction the database aborted for a conflict is run
again a bounded number of times, and what still fails answers 409 with the API's error body or a
page."""

import json
from unittest import mock

import pytest
from django.db import OperationalError, transaction
from django.test import Client

from sasaeai.core.conflicts import ATTEMPTS, is_conflict, retry_on_conflict


class _PgError(Exception):
    def __init__(self, sqlstate):
        super().__init__("deadlock detected")
        self.sqlstate = sqlstate


def _conflict(sqlstate="40P01"):
    exc = OperationalError("deadlock detected")
    exc.__cause__ = _PgError(sqlstate)
    return exc


def test_deadlocks_and_serialization_failures_are_conflicts_other_errors_are_not():
    assert is_conflict(_conflict("40P01")) and is_conflict(_conflict("40001"))
    assert not is_conflict(_conflict("53300"))  # too many connections: a real failure
    assert not is_conflict(OperationalError("no such table"))


@pytest.mark.django_db(transaction=True)
def test_a_conflicting_transaction_is_run_again_until_it_passes():
    calls = []

    @retry_on_conflict
    def work():
        calls.append(1)
        if len(calls) < ATTEMPTS:
            raise _conflict()
        return "done"

    assert work() == "done" and len(calls) == ATTEMPTS


@pytest.mark.django_db(transaction=True)
def test_retries_are_bounded_and_other_errors_are_not_retried():
    calls = []

    @retry_on_conflict
    def always():
        calls.append(1)
        raise _conflict()

    with pytest.raises(OperationalError):
        always()
    assert len(calls) == ATTEMPTS
    calls.clear()

    @retry_on_conflict
    def broken():
        calls.append(1)
        raise OperationalError("no such table")

    with pytest.raises(OperationalError):
        broken()
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_inside_an_outer_transaction_nothing_is_retried():
    calls = []

    @retry_on_conflict
    def work():
        calls.append(1)
        raise _conflict()

    with pytest.raises(OperationalError), transaction.atomic():
        work()
    assert len(calls) == 1


@pytest.mark.django_db
def test_a_conflict_that_survives_the_retries_answers_409_on_the_api(make_municipality, make_user):
    from sasaeai.accounts.models import ApiToken
    from sasaeai.tenancy.models import Role

    user = make_user(role=Role.HELPER, municipality=make_municipality())
    _token, key = ApiToken.issue(user, "race", two_factor_verified=False)
    with mock.patch("sasaeai.api.routers.requests.services.accept_offer", side_effect=_conflict()), \
            mock.patch("sasaeai.api.routers.requests._my_offer"):
        response = Client(HTTP_AUTHORIZATION=f"Bearer {key}").post(
            "/api/v1/offers/1/accept", json.dumps({}), content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "conflict" and "もう一度" in response.json()["message"]


@pytest.mark.django_db
def test_a_conflict_on_a_page_answers_a_409_page(make_municipality, make_user):
    from tests.conftest import login_client

    client = login_client(make_user())
    with mock.patch("sasaeai.core.views.render", side_effect=_conflict()):
        response = client.get("/")
    assert response.status_code == 409
    assert "Traceback" not in response.content.decode()
