"""The demo: a Yokohama-like scheme and a time bank with a history consistent with the
completed bookings; deterministic and idempotent."""

import pytest

from sasaeai.demo.generator import seed_demo
from sasaeai.points import ledger
from sasaeai.points.models import Credit, LedgerTransaction, Redemption, Scheme

pytestmark = pytest.mark.django_db


def test_demo_points_are_consistent_and_seed_once():
    first = seed_demo("small", 1)
    assert first["points.credits"] > 0 and first["points.confirmed"] > 0
    assert Scheme.objects.filter(kind="points").exists() and Scheme.objects.filter(kind="time_bank").exists()
    assert LedgerTransaction.objects.filter(kind="expire").exists()
    assert Redemption.objects.filter(status="paid").exists() and Redemption.objects.filter(status="requested").exists()
    assert Credit.objects.filter(status="pending").exists()
    assert LedgerTransaction.objects.filter(kind="transfer").exists()
    # Every visit credit belongs to a completed booking of the helper who was credited.
    for c in Credit.objects.filter(activity="booking").select_related("booking__helper", "account")[:200]:
        assert c.booking.status == "completed" and c.booking.helper.user_id == c.account.owner_id
    assert ledger.verify()["ok"]
    before = LedgerTransaction.objects.count()
    second = seed_demo("small", 1)
    assert all(v == 0 for k, v in second.items() if k.startswith("points.")), second
    assert LedgerTransaction.objects.count() == before
