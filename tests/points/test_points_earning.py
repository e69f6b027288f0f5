"""Earning: automatic and idempotent on completed bookings, caps with the refused excess
recorded, pending → confirmed / rejected, versioned rules, expiry as a ledger transaction."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sasaeai.points import ledger, selectors, services
from sasaeai.points.models import AccountKind, ActivityKind, Credit, CreditStatus, LedgerTransaction

from .conftest import completed_booking, make_helper


def _balance(town, user=None):
    acct = ledger.find_member_account(town.scheme, user or town.helper.user)
    return acct.balance if acct else 0


def test_checking_out_credits_the_helper_once(town):
    from sasaeai.requests import services as req_services

    when = timezone.now() - dt.timedelta(minutes=30)
    booking = completed_booking(town, town.helper, status="in_progress", when=when)
    booking.checked_in_at = when
    booking.save(update_fields=["checked_in_at"])
    booking.request.status = "in_progress"
    booking.request.save(update_fields=["status"])
    req_services.check_out(booking, user=town.helper.user)
    credit = Credit.objects.get(booking=booking)
    assert (credit.status, credit.amount) == (CreditStatus.PENDING, 200)
    again = services.credit_booking(booking)
    assert [c.pk for c in again] == [credit.pk]
    assert Credit.objects.filter(booking=booking).count() == 1


def test_a_cancelled_booking_earns_nothing(town):
    booking = completed_booking(town, town.helper, status="cancelled")
    with pytest.raises(ValidationError) as exc:
        services.credit_booking(booking)
    assert exc.value.code == "booking_cancelled"
    assert not Credit.objects.exists()


def test_a_booking_not_yet_completed_earns_nothing(town):
    booking = completed_booking(town, town.helper, status="booked")
    with pytest.raises(ValidationError) as exc:
        services.credit_booking(booking)
    assert exc.value.code == "booking_not_completed"


def test_confirmation_writes_the_ledger_and_cannot_happen_twice(town):
    [credit] = services.credit_booking(completed_booking(town, town.helper))
    assert _balance(town) == 0  # pending credits are not in the balance
    services.confirm_credits([credit.pk], by=town.coordinator)
    assert _balance(town) == 200
    with pytest.raises(ValidationError) as exc:
        services.confirm_credits([credit.pk], by=town.coordinator)
    assert exc.value.code == "already_decided"
    with pytest.raises(ValidationError):
        services.reject_credits([credit.pk], by=town.coordinator)
    assert _balance(town) == 200 and LedgerTransaction.objects.filter(kind="earn").count() == 1


def test_bulk_confirmation_is_all_or_nothing(town):
    now = timezone.now()
    a = services.credit_booking(completed_booking(town, town.helper, when=now - dt.timedelta(days=3)))[0]
    b = services.credit_booking(completed_booking(town, town.helper, when=now - dt.timedelta(days=4)))[0]
    services.reject_credits([b.pk], by=town.coordinator)
    with pytest.raises(ValidationError):
        services.confirm_credits([a.pk, b.pk], by=town.coordinator)
    a.refresh_from_db()
    assert a.status == CreditStatus.PENDING and _balance(town) == 0


def test_the_daily_cap_refuses_the_excess_with_the_reason(town):
    day = timezone.now() - dt.timedelta(days=2)
    first = services.credit_booking(completed_booking(town, town.helper, when=day))[0]
    second = services.credit_booking(completed_booking(town, town.helper, when=day + dt.timedelta(hours=1)))[0]
    assert first.amount == 200
    assert (second.status, second.amount, second.refused_amount, second.refused_reason) == (
        CreditStatus.REFUSED, 0, 200, "daily_cap")


def test_the_yearly_cap_credits_only_what_is_left(town):
    services.terms_set(scheme=town.scheme, valid_from=dt.date(2020, 1, 1), daily_cap=200, yearly_cap=300)
    today = timezone.localdate()
    start, _end = services.year_bounds(today, "fiscal")
    days = [d for d in (today - dt.timedelta(days=i) for i in range(1, 60)) if d >= start][:2]
    if len(days) < 2:
        pytest.skip("too early in the fiscal year for two past days")
    made = [services.credit_booking(completed_booking(
        town, town.helper, when=timezone.make_aware(dt.datetime.combine(d, dt.time(10)))))[0] for d in days]
    assert [c.amount for c in made] == [200, 100]
    assert (made[1].refused_amount, made[1].refused_reason) == (100, "yearly_cap")


def test_short_visits_and_unverified_helpers_earn_nothing(town):
    short = services.credit_booking(completed_booking(town, town.helper, minutes=20))[0]
    assert (short.amount, short.refused_reason) == (0, "too_short")
    newbie = make_helper(town.municipality, town.area, verified=False)
    c = services.credit_booking(completed_booking(town, newbie, when=timezone.now() - dt.timedelta(days=5)))[0]
    assert (c.amount, c.refused_reason) == (0, "not_registered_helper")


def test_a_new_rule_version_does_not_rewrite_past_credits(town):
    past = services.credit_booking(completed_booking(town, town.helper, when=timezone.now() - dt.timedelta(days=3)))[0]
    services.rule_set(scheme=town.scheme, activity=ActivityKind.BOOKING, valid_from=timezone.localdate(),
                      points=100, min_minutes=30)
    past.refresh_from_db()
    assert past.amount == 200
    now = services.credit_booking(completed_booking(town, town.helper, when=timezone.now() - dt.timedelta(hours=1)))
    assert now[0].amount == 100


def test_a_category_rule_wins_over_the_general_one(town):
    services.rule_set(scheme=town.scheme, activity=ActivityKind.BOOKING, category="watch_talk",
                      valid_from=dt.date(2020, 1, 1), points=60, per_minutes=30)
    c = services.credit_booking(completed_booking(town, town.helper, minutes=90, category="watch_talk"))[0]
    assert c.requested == 180


def test_credits_without_confirmation_go_straight_to_the_ledger(town):
    services.terms_set(scheme=town.scheme, valid_from=dt.date(2020, 1, 1), needs_confirmation=False)
    c = services.credit_booking(completed_booking(town, town.helper))[0]
    assert c.status == CreditStatus.CONFIRMED and _balance(town) == 200


def test_points_expire_on_31_december_of_the_next_year_as_a_transaction(town):
    services.terms_set(scheme=town.scheme, valid_from=dt.date(2020, 1, 1), needs_confirmation=False)
    old = timezone.make_aware(dt.datetime(2022, 6, 1, 10))
    c = services.credit_booking(completed_booking(town, town.helper, when=old))[0]
    assert c.expires_on == dt.date(2023, 12, 31)
    assert services.expire_due(dt.date(2023, 12, 31)) == 0
    assert services.expire_due(dt.date(2024, 1, 1)) == 1
    assert services.expire_due(dt.date(2024, 1, 1)) == 0  # idempotent
    assert _balance(town) == 0
    expired = ledger.system_account(town.scheme, AccountKind.EXPIRED)
    expired.refresh_from_db()
    assert expired.balance == 200 and ledger.verify()["ok"]


def test_expiry_takes_the_oldest_points_first(town):
    services.terms_set(scheme=town.scheme, valid_from=dt.date(2020, 1, 1), needs_confirmation=False,
                       min_redemption=0)
    services.credit_booking(completed_booking(town, town.helper, when=timezone.make_aware(dt.datetime(2022, 6, 1))))
    services.credit_booking(completed_booking(town, town.helper, when=timezone.make_aware(dt.datetime(2023, 6, 1))))
    acct = ledger.find_member_account(town.scheme, town.helper.user)
    option = town.scheme.options.first()
    services.redemption_request(account=acct, option=option, points=150, by=town.helper.user,
                                today=dt.date(2023, 7, 1))
    assert selectors.expiring(acct, dt.date(2023, 7, 1))[0]["points"] == 50
    services.expire_due(dt.date(2024, 1, 1))
    acct.refresh_from_db()
    assert acct.balance == 200  # the 2023 credit stays; 50 of 2022 expired


def test_event_credits_are_recorded_once_per_reference(town):
    a = services.credit_activity(scheme=town.scheme, user=town.helper.user, activity="event", minutes=60,
                                 day=timezone.localdate() - dt.timedelta(days=9), reference="サロン 11/3",
                                 by=town.coordinator)
    b = services.credit_activity(scheme=town.scheme, user=town.helper.user, activity="event", minutes=60,
                                 day=timezone.localdate() - dt.timedelta(days=9), reference="サロン 11/3",
                                 by=town.coordinator)
    assert a.pk == b.pk and a.amount == 200


def test_reversing_a_confirmed_credit(town):
    c = services.credit_booking(completed_booking(town, town.helper))[0]
    services.confirm_credits([c.pk], by=town.coordinator)
    services.reverse_credit(c, by=town.admin)
    c.refresh_from_db()
    assert c.status == CreditStatus.REVERSED and _balance(town) == 0
    assert LedgerTransaction.objects.get(kind="reversal").reverses_id == c.transaction_id


@pytest.mark.parametrize("field,value,code", [
    ("points", -5, "negative_amount"), ("points", 0, "negative_amount"), ("points", "x", "invalid_number")])
def test_a_rule_with_a_bad_amount_is_refused(town, field, value, code):
    with pytest.raises(ValidationError) as exc:
        services.rule_set(scheme=town.scheme, activity="event", valid_from=dt.date(2024, 1, 1), **{field: value})
    assert exc.value.code == code


def test_a_cap_below_one_activity_is_refused(town):
    with pytest.raises(ValidationError) as exc:
        services.terms_set(scheme=town.scheme, valid_from=dt.date(2024, 1, 1), daily_cap=100)
    assert exc.value.code == "cap_below_activity"
    with pytest.raises(ValidationError) as exc:
        services.rule_set(scheme=town.scheme, activity="trial", valid_from=dt.date(2024, 1, 1), points=500)
    assert exc.value.code == "cap_below_activity"
    assert town.scheme.terms.count() == 1
