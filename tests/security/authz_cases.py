"""Authorisation expectations of the cases app (pages and API).

World objects of each tenant: "case" — the matrix resident's connected case in area 1 (北地区),
referred by the 地域包括支援センター worker, worked by the layer-2 SC, with a goal, an option
("case_option") and an open follow-up ("case_follow_up")."""

import datetime as dt


def _today():
    from django.utils import timezone

    return timezone.localdate()


def objects(t) -> None:
    from django.utils import timezone

    from sasaeai.cases.models import Case, CaseGoal, CaseOption, FollowUp

    u, o = t.users, t.objects
    today = timezone.localdate()
    case = Case.objects.create(
        municipality=t.municipality, area=t.area, resident=o["resident"], status="connected",
        referrer_kind="support_center", referred_by=u["support_center"], reason="外出の機会が減った",
        referred_at=timezone.now() - dt.timedelta(days=30), coordinator=u["coordinator_l2"],
        answered_at=timezone.now() - dt.timedelta(days=28), what_matters="友人とお茶を飲みたい",
        conversation_on=today - dt.timedelta(days=20), connected_on=today - dt.timedelta(days=10))
    goal = CaseGoal.objects.create(case=case, text="外でお茶を飲む")
    o["case"] = case
    o["case_option"] = CaseOption.objects.create(goal=goal, kind="other", label="サロン", status="tried",
                                                 tried_on=today - dt.timedelta(days=10))
    o["case_follow_up"] = FollowUp.objects.create(case=case, due_on=today + dt.timedelta(days=4))


def register(ns: dict) -> None:
    E, _a = ns["E"], ns["_a"]
    COORDINATORS = ns["COORDINATORS"]
    f = frozenset

    workers = COORDINATORS | {"coordinator_l2_other_area"}
    workers_b = COORDINATORS - {"operator"} | {"coordinator_l2_other_area"}
    referrers = f({"coordinator_l1", "coordinator_l2", "support_center", "municipal_admin",
                   "coordinator_l2_other_area"})

    def pk(w):
        return {"pk": _a(w, "case")}

    def option(w):
        return {"pk": _a(w, "case"), "option_id": _a(w, "case_option")}

    def follow(w):
        return {"pk": _a(w, "case"), "follow_up_id": _a(w, "case_follow_up")}

    def case_id(w):
        return {"case_id": _a(w, "case")}

    ns["PAGES"].update({
        "cases:list": E(workers, workers_b, note="the list is scoped to the viewer's areas"),
        "cases:refer": E(referrers, referrers, note="the resident list is scoped to the viewer's areas"),
        "cases:referrals": E(referrers, referrers, note="only the viewer's own referrals"),
        "cases:caseload": E(workers, workers_b),
        "cases:detail": E(COORDINATORS, kwargs=pk),
        "cases:accept": E(COORDINATORS, method="post", body=lambda w: {}, kwargs=pk,
                          note="already connected: refused with a message after the permission check"),
        "cases:decline": E(COORDINATORS, method="post", body=lambda w: {"reason": "対象外"}, kwargs=pk),
        "cases:conversation": E(COORDINATORS, kwargs=pk),
        "cases:plan": E(COORDINATORS, kwargs=pk),
        "cases:option": E(COORDINATORS, method="post", kwargs=option,
                          body=lambda w: {"status": "continuing", "on": _today().isoformat()}),
        "cases:follow_up": E(COORDINATORS, method="post", kwargs=pk,
                             body=lambda w: {"due_on": (_today() + dt.timedelta(days=7)).isoformat()}),
        "cases:follow_up_done": E(COORDINATORS, method="post", kwargs=follow, body=lambda w: {"note": "元気"}),
        "cases:close": E(COORDINATORS, kwargs=pk),
    })

    def ids(w):
        return {"case_id": _a(w, "case"), "option_id": _a(w, "case_option")}

    def follow_ids(w):
        return {"case_id": _a(w, "case"), "follow_up_id": _a(w, "case_follow_up")}

    ns["API"].update({
        "cases_list_cases": E(workers, workers_b),
        "cases_refer": E(referrers, note="the matrix resident already has an open case: 400 for referrers"),
        "cases_my_referrals": E(referrers, referrers),
        "cases_caseload": E(workers, workers_b),
        "cases_get_case": E(COORDINATORS, kwargs=case_id),
        "cases_accept": E(COORDINATORS, kwargs=case_id, note="already connected: 400 illegal_transition"),
        "cases_decline": E(COORDINATORS, kwargs=case_id),
        "cases_conversation": E(COORDINATORS, kwargs=case_id),
        "cases_add_goal": E(COORDINATORS, kwargs=case_id, body=lambda w: {
            "text": "買い物を続ける", "options": [{"kind": "other", "label": "移動販売"}]}),
        "cases_update_option": E(COORDINATORS, kwargs=ids, body=lambda w: {"status": "continuing"}),
        "cases_schedule_follow_up": E(COORDINATORS, kwargs=case_id, body=lambda w: {
            "due_on": (_today() + dt.timedelta(days=7)).isoformat()}),
        "cases_complete_follow_up": E(COORDINATORS, kwargs=follow_ids, body=lambda w: {"note": "元気"}),
        "cases_close": E(COORDINATORS, kwargs=case_id),
    })
