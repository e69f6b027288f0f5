"""Two municipal administrators ending each other at the same moment: exactly one succeeds,
the other is refused with `last_admin` (no deadlock, never zero administrators)."""

import pytest

from sasaeai.tenancy import services
from sasaeai.tenancy.models import Membership, Role
from tests.concurrency import postgres_only, race  # noqa: F401 - fixture

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_two_admins_ending_each_other_leave_one(make_municipality, make_user):
    town = make_municipality(n_areas=1)
    first, second = make_user(Role.MUNICIPAL_ADMIN, town), make_user(Role.MUNICIPAL_ADMIN, town)
    m1, m2 = first.memberships.get(), second.memberships.get()
    results, errors = race([
        lambda: services.membership_end(by=first, membership=m2, reason="交代"),
        lambda: services.membership_end(by=second, membership=m1, reason="交代"),
    ])
    # The loser is refused whichever way it lost: it is the last admin, its target has ended,
    # or (when the winner committed before the loser's permission check) it is no admin any
    # more — PermissionDenied. Exactly one of the two memberships stays in force either way.
    assert len(results) == 1 and errors in (["last_admin"], ["membership_ended"], ["PermissionDenied()"]), errors
    assert Membership.objects.filter(municipality=town, role=Role.MUNICIPAL_ADMIN).count() == 1
