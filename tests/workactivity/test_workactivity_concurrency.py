"""PostgreSQL: coordinators confirming people at the same moment never exceed a task's slots
nor place one person twice (the task row is locked; one placement per task and person)."""

import pytest
from django.core.exceptions import ValidationError

from sasaeai.workactivity import services
from sasaeai.workactivity.models import PlacementStatus, TaskStatus, WorkPlacement
from tests.concurrency import postgres_only, race  # noqa: F401 - fixture

from .conftest import make_person, make_task

pytestmark = pytest.mark.postgres


def _confirm(task, interest):
    """The refusal's code (race() records only plain codes)."""
    def call():
        try:
            return services.placement_confirm(by=None, task=task, interest=interest, notify_person=False)
        except ValidationError as exc:
            return next(e.code for errs in exc.error_dict.values() for e in errs)
    return call


@pytest.mark.django_db(transaction=True)
def test_twenty_confirmations_for_three_places(postgres_only, town, make_user):  # noqa: F811
    people = [make_person(town, make_user, f"候補{n}")[1] for n in range(20)]
    task = make_task(town, slots=3)
    results, errors = race([_confirm(task, p) for p in people])
    assert errors == []
    placed = [r for r in results if isinstance(r, WorkPlacement)]
    refused = [r for r in results if isinstance(r, str)]
    assert len(placed) == 3 and set(refused) <= {"not_open", "task_full"} and len(refused) == 17
    assert WorkPlacement.objects.filter(task=task, status=PlacementStatus.CONFIRMED).count() == 3
    task.refresh_from_db()
    assert task.status == TaskStatus.FILLED


@pytest.mark.django_db(transaction=True)
def test_one_person_confirmed_ten_times_at_once(postgres_only, town, make_user):  # noqa: F811
    _u, person = make_person(town, make_user, "同じ人")
    task = make_task(town, slots=5)
    results, errors = race([_confirm(task, person) for _ in range(10)])
    assert errors == []
    assert sum(isinstance(r, WorkPlacement) for r in results) == 1
    assert [r for r in results if isinstance(r, str)] == ["already_placed"] * 9
    assert WorkPlacement.objects.filter(task=task).count() == 1
