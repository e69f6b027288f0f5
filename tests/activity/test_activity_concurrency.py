"""Concurrent writes on PostgreSQL with real parallel transactions (threads, one connection
each): the 24-hour day holds when a coordinator saves from two devices at once, and two
writers of the same handover section cannot both save a version from the same base."""

import pytest
from django.core.exceptions import ValidationError

from sasaeai.activity import services
from sasaeai.activity.models import ActivityEntry, Function, HandoverNote
from tests.concurrency import postgres_only, race  # noqa: F401 - fixture

from .conftest import today

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def _code(fn):
    """race() records ValidationError.code; a field-keyed error carries its code inside."""
    def call():
        try:
            return fn()
        except ValidationError as exc:
            codes = [e.code for errs in exc.error_dict.values() for e in errs] if hasattr(exc, "error_dict") else [
                exc.code]
            raise ValidationError("refused", code=codes[0]) from None
    return call


def test_two_devices_cannot_log_more_than_a_day(town):
    for _round in range(3):
        ActivityEntry.objects.all().delete()
        calls = [_code(lambda: services.entry_create(by=town.sc_north, area=town.north, date=today(), minutes=800,
                                                     function=Function.MATCHING)) for _ in range(4)]
        results, errors = race(calls)
        assert len(results) == 1 and errors == ["day_over_24_hours"] * 3, (results, errors)
        assert sum(ActivityEntry.objects.values_list("minutes", flat=True)) == 800


def test_two_writers_of_one_section_cannot_both_save(town):
    calls = [_code(lambda t=t: services.note_save(by=town.sc_north, area=town.north, section="people", text=t,
                                                  base_version=0)) for t in ("一", "二", "三")]
    results, errors = race(calls)
    assert len(results) == 1 and errors == ["note_changed_meanwhile"] * 2, (results, errors)
    assert HandoverNote.objects.count() == 1
