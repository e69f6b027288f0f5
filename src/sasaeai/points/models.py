"""The points ledger (ポイント台帳) and the schemes that feed it.

Double entry: every change of a balance is a `LedgerTransaction` (取引) of two or more
`LedgerEntry` rows (仕訳) that sum to zero, written in one database transaction by
`ledger.post`. Entries and transactions are append-only (model, queryset and, on
PostgreSQL, a trigger). `PointsAccount.balance` is a stored copy of the sum of its entries,
updated under a row lock in the same transaction; a CHECK keeps it ≥ 0 for accounts that may
not go negative, and `sasaeai points_verify` checks it against the entries.

Amounts are integers: points for a volunteer-points scheme, minutes for a time bank.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.safety.models import AppendOnlyModel


class SchemeKind(models.TextChoices):
    """制度の種類."""

    VOLUNTEER_POINTS = "points", _("Volunteer points (地域貢献ポイント)")
    TIME_BANK = "time_bank", _("Time bank (時間預託)")


class YearBasis(models.TextChoices):
    FISCAL = "fiscal", _("Fiscal year (April to March)")
    CALENDAR = "calendar", _("Calendar year (January to December)")


class Scheme(models.Model):
    """ポイント制度: one municipality's volunteer-points scheme or time bank. The terms that
    change over time (caps, expiry, redemption) are `SchemeTerms` versions; earning amounts
    are `EarningRule` versions."""

    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.CASCADE, related_name="point_schemes",
                                     verbose_name=_("municipality"))
    name = models.CharField(pgettext_lazy("points scheme", "name"), max_length=100)
    kind = models.CharField(_("kind of scheme"), max_length=10, choices=SchemeKind.choices,
                            default=SchemeKind.VOLUNTEER_POINTS)
    active = models.BooleanField(_("in use"), default=True)
    demo_key = models.CharField(max_length=40, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("points scheme")
        verbose_name_plural = _("points schemes")
        ordering = ["municipality_id", "kind", "pk"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="points_scheme_name_once")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_time_bank(self) -> bool:
        return self.kind == SchemeKind.TIME_BANK

    @property
    def unit_label(self) -> str:
        return str(_("minutes")) if self.is_time_bank else str(_("points"))


class SchemeTerms(models.Model):
    """制度の条件 (versioned by `valid_from`): caps, eligibility, confirmation, expiry and
    redemption. The version in force on a day is the latest with `valid_from` ≤ that day, so a
    change never rewrites what was credited before it."""

    class AgeReference(models.TextChoices):
        APRIL_1 = "april_1", _("Age on 1 April of the fiscal year")
        ACTIVITY_DAY = "activity_day", _("Age on the day of the activity")

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="terms", verbose_name=_("scheme"))
    valid_from = models.DateField(_("valid from"))
    daily_cap = models.PositiveIntegerField(_("daily cap (0: none)"), default=0)
    yearly_cap = models.PositiveIntegerField(_("yearly cap (0: none)"), default=0)
    year_basis = models.CharField(_("the cap's year"), max_length=8, choices=YearBasis.choices,
                                  default=YearBasis.FISCAL)
    min_age = models.PositiveSmallIntegerField(_("minimum age (0: any)"), default=0)
    age_reference = models.CharField(_("age counted"), max_length=12, choices=AgeReference.choices,
                                     default=AgeReference.APRIL_1)
    registered_helpers_only = models.BooleanField(_("only identity-verified helpers earn"), default=True)
    residents_only = models.BooleanField(_("only helpers registered in this municipality earn"), default=True)
    needs_confirmation = models.BooleanField(_("credits wait for confirmation by the coordinator"), default=True)
    #: Points earned in year Y expire on 31 December of Y + expiry_years (0: never).
    expiry_years = models.PositiveSmallIntegerField(_("points expire on 31 December after this many years (0: never)"),
                                                    default=1)
    min_redemption = models.PositiveIntegerField(_("minimum redemption"), default=0)
    #: Months (1–12) in which redemption requests are accepted; empty: all year.
    redemption_months = models.JSONField(_("redemption months (empty: all year)"), default=list, blank=True)
    starting_credit = models.PositiveIntegerField(_("starting credit for a new member"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scheme terms")
        verbose_name_plural = _("scheme terms")
        ordering = ["scheme_id", "-valid_from"]
        constraints = [models.UniqueConstraint(fields=["scheme", "valid_from"], name="points_terms_once_per_day")]

    def __str__(self) -> str:
        return f"{self.scheme} from {self.valid_from}"


class ActivityKind(models.TextChoices):
    """What earns points (対象活動)."""

    BOOKING = "booking", _("A completed help visit")
    EVENT = "event", _("Helping at an event or salon")
    TRIAL = "trial", _("Trial volunteering")
    TRAINING = "training", _("Training completed")


class EarningRule(models.Model):
    """獲得ルール (versioned by `valid_from`): how much one activity earns. For bookings,
    `category` narrows the rule to one request category (blank: every category; a rule for
    the category wins over the blank one). `per_minutes` 0 credits `points` per activity,
    30 or 60 credits `points` per full 30 or 60 minutes of the activity."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="rules", verbose_name=_("scheme"))
    activity = models.CharField(_("activity"), max_length=10, choices=ActivityKind.choices,
                                default=ActivityKind.BOOKING)
    category = models.CharField(_("request category (blank: all)"), max_length=32, blank=True)
    valid_from = models.DateField(_("valid from"))
    points = models.PositiveIntegerField(_("points"))
    per_minutes = models.PositiveSmallIntegerField(_("per this many minutes (0: per activity)"), default=0)
    min_minutes = models.PositiveSmallIntegerField(_("minimum duration (minutes)"), default=0)
    active = models.BooleanField(_("earns"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("earning rule")
        verbose_name_plural = _("earning rules")
        ordering = ["scheme_id", "activity", "category", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "activity", "category", "valid_from"],
                                    name="points_rule_once_per_day"),
            models.CheckConstraint(condition=Q(per_minutes__in=[0, 30, 60]), name="points_rule_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} {self.activity}/{self.category or '*'} from {self.valid_from}"

    def amount_for(self, minutes: int) -> int:
        """Points for one activity of `minutes` (0 when shorter than the minimum)."""
        if minutes < self.min_minutes:
            return 0
        if self.per_minutes:
            return self.points * (minutes // self.per_minutes)
        return self.points


class AccountKind(models.TextChoices):
    MEMBER = "member", pgettext_lazy("scheme member", "Member")
    ISSUER = "issuer", _("Issuer (the municipality)")
    HELD = "held", _("Held for pending redemptions")
    REDEEMED = "redeemed", _("Redeemed")
    EXPIRED = "expired", _("Expired")


#: Accounts that may go below zero: the issuer creates points.
NEGATIVE_ALLOWED = (AccountKind.ISSUER,)


class PointsAccount(models.Model):
    """ポイント口座: a member's account in one scheme, or one of the scheme's own accounts
    (issuer, held, redeemed, expired). `balance` is the sum of the account's entries."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("scheme"))
    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("municipality"))
    kind = models.CharField(_("kind of account"), max_length=10, choices=AccountKind.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="points_accounts", verbose_name=_("member"))
    #: For office mode: the layer-2 area the member lives in (reports by area).
    area = models.ForeignKey("tenancy.Area", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("area"))
    allow_negative = models.BooleanField(default=False, editable=False)
    balance = models.BigIntegerField(_("balance"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(condition=Q(allow_negative=True) | Q(balance__gte=0),
                                   name="points_account_balance_not_negative"),
            models.CheckConstraint(condition=Q(kind="member", owner__isnull=False) | (~Q(kind="member") & Q(owner__isnull=True)),
                                   name="points_account_owner_iff_member"),
            models.UniqueConstraint(fields=["scheme", "owner"], condition=Q(kind="member"),
                                    name="points_member_account_once"),
            models.UniqueConstraint(fields=["scheme", "kind"], condition=~Q(kind="member"),
                                    name="points_system_account_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.scheme_id})"


class TransactionKind(models.TextChoices):
    EARN = "earn", _("Earned")
    STARTING = "starting", _("Starting credit")
    TRANSFER = "transfer", _("Transfer between members")
    OFFICE = "office", _("Exchange recorded by the office")
    HOLD = "hold", _("Held for a redemption")
    PAY_OUT = "pay_out", _("Redeemed (paid out)")
    RELEASE = "release", _("Returned (redemption refused)")
    EXPIRE = "expire", _("Expired")
    REVERSAL = "reversal", _("Correction (reversal)")


class LedgerTransaction(AppendOnlyModel):
    """取引: one balanced change of the ledger. A correction is a new transaction of kind
    `reversal` that names the one it reverses (`reverses`, at most once)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="transactions",
                               verbose_name=_("scheme"))
    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=TransactionKind.choices)
    booked_on = models.DateField(_("date"), default=timezone.localdate)
    memo = models.CharField(_("note"), max_length=200, blank=True)
    #: One per source event (booking credit, expiry run, transfer after a booking…): retries,
    #: double submits and concurrent workers write the transaction once.
    idempotency_key = models.CharField(max_length=120, unique=True, null=True, blank=True)
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversed_by", verbose_name=_("reverses"))
    booking = models.ForeignKey("requests.Booking", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", db_constraint=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ledger transaction")
        verbose_name_plural = _("ledger transactions")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["scheme", "kind", "booked_on"])]
        constraints = [models.CheckConstraint(condition=(Q(kind="reversal") & Q(reverses__isnull=False))
                                              | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                                              name="points_reversal_names_its_original")]

    def __str__(self) -> str:
        return f"tx #{self.pk} {self.kind}"


class LedgerEntry(AppendOnlyModel):
    """仕訳: one line of a transaction on one account. Never zero; a transaction's entries sum
    to zero."""

    transaction = models.ForeignKey(LedgerTransaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(PointsAccount, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField(_("amount"))

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["account", "transaction"])]
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="points_entry_not_zero")]

    def __str__(self) -> str:
        return f"entry #{self.pk} {self.amount:+d}"


class CreditStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    REFUSED = "refused", pgettext_lazy("points credit", "Not credited")
    REVERSED = "reversed", _("Reversed")


class Credit(models.Model):
    """ポイント獲得: one activity's credit. `requested` is what the rule gives; `amount` what
    the caps allowed (the excess is `refused_amount` with `refused_reason`, never dropped
    silently). The ledger transaction is written on confirmation (at once when the scheme's
    terms need no confirmation). One per source event (`source_key`, unique)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="credits")
    account = models.ForeignKey(PointsAccount, on_delete=models.PROTECT, related_name="credits")
    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("tenancy.Area", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    activity = models.CharField(_("activity"), max_length=10, choices=ActivityKind.choices)
    source_key = models.CharField(max_length=120, unique=True)
    booking = models.ForeignKey("requests.Booking", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="point_credits")
    rule = models.ForeignKey(EarningRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    earned_on = models.DateField(_("activity date"))
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    requested = models.PositiveIntegerField(_("points by the rule"))
    amount = models.PositiveIntegerField(_("points credited"))
    refused_amount = models.PositiveIntegerField(_("points over the cap"), default=0)
    refused_reason = models.CharField(_("why not credited"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CreditStatus.choices, default=CreditStatus.PENDING)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    transaction = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="credit")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("points credit")
        verbose_name_plural = _("points credits")
        ordering = ["-earned_on", "-pk"]
        indexes = [models.Index(fields=["account", "earned_on"]), models.Index(fields=["scheme", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__lte=models.F("requested")), name="points_credit_within_rule"),
            models.CheckConstraint(condition=~Q(status="confirmed") | Q(transaction__isnull=False),
                                   name="points_confirmed_credit_has_transaction"),
        ]

    def __str__(self) -> str:
        return f"credit #{self.pk} {self.amount} ({self.status})"


class RedemptionKind(models.TextChoices):
    VOUCHER = "voucher", _("Local vouchers (地域商品券)")
    EMONEY = "emoney", _("E-money")
    DONATION = "donation", _("Donation to a local group")


class RedemptionOption(models.Model):
    """交換先: what points can be exchanged for, at `yen_per_point` yen per point."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="options")
    kind = models.CharField(_("kind"), max_length=10, choices=RedemptionKind.choices)
    name = models.CharField(pgettext_lazy("redemption option", "name"), max_length=100)
    yen_per_point = models.PositiveIntegerField(_("yen per point"), default=1)
    active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("redemption option")
        verbose_name_plural = _("redemption options")
        ordering = ["scheme_id", "pk"]
        constraints = [models.CheckConstraint(condition=Q(yen_per_point__gt=0), name="points_option_rate_positive")]

    def __str__(self) -> str:
        return self.name


class RedemptionStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for approval")
    PAID = "paid", _("Paid out")
    REFUSED = "refused", _("Refused")


class Redemption(models.Model):
    """ポイント交換申請: request → approval by staff → paid out (finance reference) or refused.
    The points are held (moved to the scheme's held account) while it waits."""

    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="redemptions")
    account = models.ForeignKey(PointsAccount, on_delete=models.PROTECT, related_name="redemptions")
    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(RedemptionOption, on_delete=models.PROTECT, related_name="+")
    points = models.PositiveIntegerField(_("points"))
    value_yen = models.PositiveIntegerField(_("value (yen)"))
    status = models.CharField(_("status"), max_length=10, choices=RedemptionStatus.choices,
                              default=RedemptionStatus.REQUESTED)
    hold = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, related_name="+")
    settlement = models.OneToOneField(LedgerTransaction, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    finance_reference = models.CharField(_("finance office reference"), max_length=60, blank=True)
    refusal_reason = models.CharField(_("reason for refusing"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="points_redemption_positive"),
            models.CheckConstraint(condition=~Q(status="paid") | ~Q(finance_reference=""),
                                   name="points_paid_has_reference"),
        ]

    def __str__(self) -> str:
        return f"redemption #{self.pk} {self.points} ({self.status})"
