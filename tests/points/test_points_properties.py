"""Property test (hypothesis state machine): random sequences of earn / confirm / reject /
redeem / pay / refuse / expire / reverse / transfer keep every account's balance equal to its
entries, the ledger summing to zero, caps never exceeded and no forbidden negative balance."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from sasaeai.accounts.models import User
from sasaeai.points import ledger, services
from sasaeai.points.models import Credit, CreditStatus, LedgerEntry, PointsAccount, Redemption
from sasaeai.tenancy.models import Area

from .conftest import completed_booking, make_helper, make_resident, time_bank, yokohama_scheme

DAILY, YEARLY = 400, 1000
BASE = dt.date(2024, 4, 1)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.n = 0

    @initialize()
    def setup(self):
        self.n += 1
        self.town = type("T", (), {})()
        self.town.municipality = _MUNICIPALITY["m"]
        self.town.area = Area.objects.filter(municipality=self.town.municipality, layer=2).first()
        self.town.resident = make_resident(self.town.municipality, self.town.area)
        tag = next(_SEQ)
        self.scheme = yokohama_scheme(self.town.municipality, name=f"ポイント{tag}", daily_cap=DAILY,
                                      yearly_cap=YEARLY, min_redemption=0)
        services.rule_set(scheme=self.scheme, activity="booking", valid_from=dt.date(2020, 1, 1), points=100,
                          per_minutes=30)
        self.helpers = [make_helper(self.town.municipality, self.town.area) for _ in range(2)]
        self.bank = time_bank(self.town.municipality, name=f"時間預託{tag}", starting_credit=60)
        self.bank_accounts = [ledger.member_account(self.bank, h.user) for h in self.helpers]
        self.option = self.scheme.options.get()
        self.staff = User.objects.create_user(email=f"prop{tag}@example.test", password="x" * 12,
                                              display_name="職員")
        self.day = 0

    def _account(self, i):
        return ledger.member_account(self.scheme, self.helpers[i].user)

    @rule(i=st.integers(0, 1), minutes=st.sampled_from([20, 30, 60, 90, 150]), step=st.integers(0, 3))
    def earn(self, i, minutes, step):
        self.day += step
        when = dt.datetime.combine(BASE + dt.timedelta(days=self.day), dt.time(10), tzinfo=dt.UTC)
        services.credit_booking(completed_booking(self.town, self.helpers[i], minutes=minutes, when=when))

    @rule(data=st.data())
    def confirm_or_reject(self, data):
        pending = list(Credit.objects.filter(scheme=self.scheme, status=CreditStatus.PENDING).values_list("pk",
                                                                                                        flat=True))
        if not pending:
            return
        pk = data.draw(st.sampled_from(pending))
        if data.draw(st.booleans()):
            services.confirm_credits([pk], by=self.staff)
        else:
            services.reject_credits([pk], by=self.staff)

    @rule(i=st.integers(0, 1), points=st.integers(1, 500))
    def redeem(self, i, points):
        try:
            services.redemption_request(account=self._account(i), option=self.option, points=points, by=self.staff)
        except ValidationError as exc:
            assert exc.code == "insufficient_balance"

    @rule(data=st.data())
    def decide_redemption(self, data):
        open_ = list(Redemption.objects.filter(scheme=self.scheme, status="requested"))
        if not open_:
            return
        r = data.draw(st.sampled_from(open_))
        if data.draw(st.booleans()):
            services.redemption_pay(r, by=self.staff, finance_reference="F")
        else:
            services.redemption_refuse(r, by=self.staff, reason="x")

    @rule(data=st.data())
    def reverse(self, data):
        done = list(Credit.objects.filter(scheme=self.scheme, status=CreditStatus.CONFIRMED))
        if not done:
            return
        try:
            services.reverse_credit(data.draw(st.sampled_from(done)), by=self.staff)
        except ValidationError as exc:
            assert exc.code == "insufficient_balance"

    @rule(years=st.integers(1, 3))
    def expire(self, years):
        services.expire_due(BASE + dt.timedelta(days=self.day + 365 * years))

    @rule(forward=st.booleans(), minutes=st.integers(1, 90))
    def transfer(self, forward, minutes):
        a, b = self.bank_accounts if forward else self.bank_accounts[::-1]
        try:
            services.transfer(payer=a, payee=b, minutes=minutes, by=self.staff)
        except ValidationError as exc:
            assert exc.code == "insufficient_balance"

    @invariant()
    def ledger_is_exact(self):
        if not hasattr(self, "scheme"):
            return
        result = ledger.verify([self.scheme.pk, self.bank.pk])
        assert result["ok"], result["problems"]
        assert not PointsAccount.objects.filter(allow_negative=False, balance__lt=0).exists()
        total = LedgerEntry.objects.filter(account__scheme__in=[self.scheme, self.bank]).aggregate(s=Sum("amount"))
        assert (total["s"] or 0) == 0

    @invariant()
    def caps_hold(self):
        if not hasattr(self, "scheme"):
            return
        counted = Credit.objects.filter(scheme=self.scheme, status__in=[CreditStatus.PENDING, CreditStatus.CONFIRMED])
        for row in counted.values("account_id", "earned_on").annotate(s=Sum("amount")):
            assert row["s"] <= DAILY
        for row in counted.values("account_id").annotate(s=Sum("amount")):  # one fiscal year of days
            assert row["s"] <= YEARLY  # every activity day is in fiscal year 2024


_MUNICIPALITY = {}
_SEQ = itertools.count(1)


@pytest.mark.django_db
def test_random_ledger_sequences_keep_the_books_exact(make_municipality):
    _MUNICIPALITY["m"] = make_municipality(n_areas=1)
    LedgerMachine.TestCase.settings = settings(max_examples=12, stateful_step_count=25, deadline=None,
                                               suppress_health_check=list(HealthCheck))
    LedgerMachine.TestCase().runTest()
