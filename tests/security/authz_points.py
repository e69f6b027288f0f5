"""Authorisation expectations of the points app (merged into authz_expectations).

World objects of each municipality (`objects(t)`): a Yokohama-like scheme `points_scheme`
(the helper's account `points_account` holds 400 confirmed points; a pending event credit
`points_pending`; a confirmed credit `points_confirmed`; a pending redemption
`points_redemption`) and a time bank `points_bank` (accounts of the resident and the helper,
area 北地区)."""

import datetime as dt


def objects(t) -> None:
    from sasaeai.points import ledger, services
    from sasaeai.points.models import ActivityKind, RedemptionKind, SchemeKind

    m, u, o = t.municipality, t.users, t.objects
    day = dt.date(2020, 1, 1)
    scheme = services.scheme_create(municipality=m, name="権限ポイント")
    services.terms_set(scheme=scheme, valid_from=day, daily_cap=200, yearly_cap=8000, needs_confirmation=True)
    services.rule_set(scheme=scheme, activity=ActivityKind.EVENT, valid_from=day, points=200)
    option = services.option_set(scheme=scheme, kind=RedemptionKind.VOUCHER, name="地域商品券", yen_per_point=1)
    past = dt.date.today() - dt.timedelta(days=10)
    credits = [services.credit_activity(scheme=scheme, user=u["helper"], activity=ActivityKind.EVENT, minutes=60,
                                        day=past - dt.timedelta(days=i), reference=f"サロン{i}",
                                        by=u["coordinator_l1"]) for i in range(4)]
    services.confirm_credits([c.pk for c in credits[:3]], by=u["coordinator_l1"])
    account = ledger.find_member_account(scheme, u["helper"])
    o["points_scheme"], o["points_account"], o["points_option"] = scheme, account, option
    o["points_pending"], o["points_confirmed"] = credits[3], credits[0]
    o["points_redemption"] = services.redemption_request(account=account, option=option, points=200, by=u["helper"])
    bank = services.scheme_create(municipality=m, name="権限時間預託", kind=SchemeKind.TIME_BANK)
    services.terms_set(scheme=bank, valid_from=day, needs_confirmation=False, expiry_years=0, starting_credit=120)
    o["points_bank"] = bank
    o["bank_resident"] = ledger.member_account(bank, u["resident"], area=t.area)
    o["bank_helper"] = ledger.member_account(bank, u["helper"], area=t.area)


def register(g):
    from types import SimpleNamespace

    X = SimpleNamespace(**g)
    E = X.E
    f = frozenset
    coord = f({"coordinator_l1", "coordinator_l2", "municipal_admin", "operator"})
    coord_any = coord | {"coordinator_l2_other_area"}
    manage = f({"municipal_admin", "operator"})

    def pk(name, key="pk"):
        return lambda w: {key: w["a"].objects[name].pk}

    def statement(w):
        return {"pk": w["a"].objects["points_account"].pk, "year": dt.date.today().year}

    def finance(w):
        return {"pk": w["a"].objects["points_scheme"].pk, "fy": 2025}

    X.PAGES.update({
        "points:mine": E(X.EVERYONE_LOGGED_IN, X.OTHER_ALL),
        "points:redeem": E(f({"helper"}), kwargs=pk("points_account"), note="the account's owner only"),
        "points:transfer": E(f({"resident"}), kwargs=pk("bank_resident"), note="the time-bank account's owner"),
        "points:statement": E(f({"helper"}) | manage, kwargs=statement,
                              note="the member, or the scheme's administrator"),
        "points:pending": E(coord_any, coord_any - {"operator"}, note="list scoped to the coordinator's areas"),
        "points:office": E(coord_any, coord_any - {"operator"}, note="members scoped to the coordinator's areas"),
        "points:schemes": E(manage, f({"municipal_admin"})),
        "points:scheme": E(manage, kwargs=pk("points_scheme")),
        "points:finance": E(manage, kwargs=finance),
        "points:redemptions": E(manage, f({"municipal_admin"})),
        "points:reverse_credit": E(manage, method="post", body=lambda w: {}, kwargs=pk("points_confirmed")),
    })
    X.API.update({
        "points_my_accounts": E(X.EVERYONE_LOGGED_IN, X.OTHER_ALL),
        "points_account_history": E(f({"helper"}), kwargs=pk("points_account", "account_id")),
        "points_request_redemption": E(f({"helper"}), kwargs=pk("points_account", "account_id"),
                                       body=lambda w: {"option_id": w["a"].objects["points_option"].pk,
                                                       "points": 200}),
        "points_pay_time": E(f({"resident"}), kwargs=pk("bank_resident", "account_id"),
                             note="lenient: the world's booking is not completed"),
        "points_pending_credits": E(coord_any, coord_any - {"operator"}),
        "points_confirm_credits": E(coord, body=lambda w: {"ids": [w["a"].objects["points_pending"].pk]}),
        "points_reject_credits": E(coord, body=lambda w: {"ids": [w["a"].objects["points_pending"].pk]}),
        "points_office_exchange": E(coord, kwargs=pk("points_bank", "scheme_id"), body=lambda w: {
            "payer_account_id": w["a"].objects["bank_resident"].pk,
            "payee_account_id": w["a"].objects["bank_helper"].pk, "minutes": 30, "memo": "紙の記録"}),
        "points_list_schemes": E(manage, f({"municipal_admin"})),
        "points_scheme_report": E(manage, kwargs=pk("points_scheme", "scheme_id")),
        "points_set_rule": E(manage, kwargs=pk("points_scheme", "scheme_id"), body=lambda w: {
            "activity": "trial", "valid_from": "2025-01-01", "points": 100}),
        "points_set_terms": E(manage, kwargs=pk("points_scheme", "scheme_id"),
                              body=lambda w: {"valid_from": "2025-02-01"}),
        "points_pending_redemptions": E(manage, f({"municipal_admin"})),
        "points_pay_redemption": E(manage, kwargs=pk("points_redemption", "redemption_id"),
                                   body=lambda w: {"finance_reference": "会計-1"}),
        "points_refuse_redemption": E(manage, kwargs=pk("points_redemption", "redemption_id"),
                                      body=lambda w: {"reason": "確認できません"}),
    })
