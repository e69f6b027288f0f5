"""Real parallel transactions on PostgreSQL: two coordinators recording the same resident's
need of the same kind at once — the second sees the first (flagged as its duplicate); two
status changes from the same status at once — one wins, the other is refused."""

import pytest
from django.core.exceptions import ValidationError

from sasaeai.needs import services
from sasaeai.needs.models import Need
from tests.concurrency import postgres_only, race  # noqa: F401 - fixture

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def test_simultaneous_entries_of_the_same_need_are_flagged_as_duplicates(town):
    def record(by):
        return lambda: services.need_create(by=by, municipality=town["m"], category="shopping", description="同時",
                                            source="phone", resident=town["resident"]).pk

    results, errors = race([record(town["sc"]), record(town["l1"]), record(town["admin"])])
    assert errors == [] and len(results) == 3
    needs = list(Need.objects.order_by("created_at", "pk"))
    assert needs[0].duplicate_of_id is None
    assert [n.duplicate_of_id for n in needs[1:]] == [needs[0].pk, needs[0].pk]


def test_simultaneous_status_changes_from_the_same_status_let_one_win(town):
    need = services.need_create(by=town["sc"], municipality=town["m"], category="garbage", description="x",
                                source="phone", area=town["north"])
    services.need_change_status(need=need, by=town["sc"], to="triaged")

    def change(to, by):
        def run():
            try:
                return services.need_change_status(need=Need.objects.get(pk=need.pk), by=by, to=to).status
            except ValidationError as exc:  # the race helper records plain codes
                raise ValidationError("refused", code=exc.error_dict["status"][0].code) from exc
        return run

    results, errors = race([change("unmet", town["sc"]), change("unmet", town["l1"])])
    assert len(results) == 1 and errors == ["illegal_transition"]
    need.refresh_from_db()
    assert need.status == results[0]
    assert need.history.count() == 3
