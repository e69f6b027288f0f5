"""Authorisation expectations of the worklife app (pages and API).

World objects of each tenant: the "work_support_cm" user is a verified work-support care
manager (helper profile + verified qualification + listing); "worklife_employer" has a contract
in force with them and the "partner" user as its HR contact; "worklife_consultation" is a
recorded consultation shared with the employer (checklist item "worklife_item", open follow-up
"worklife_follow_up") handed over with consent to the 地域包括支援センター of area 1
("worklife_handover"). The employer side (partner) reaches only the employer page and the
checklist — never a consultation page or operation."""

import datetime as dt


def objects(t) -> None:
    from django.utils import timezone

    from sasaeai.helpers.models import HelperProfile, HelperQualification
    from sasaeai.worklife.models import (
        ChecklistItem,
        Consultation,
        Contract,
        Employer,
        EmployerContact,
        FollowUp,
        Handover,
        HandoverConsent,
        WorkSupportCareManager,
    )

    u, o = t.users, t.objects
    today = timezone.localdate()
    user = u["work_support_cm"]
    profile = HelperProfile.objects.create(user=user, municipality=t.municipality)
    HelperQualification.objects.create(profile=profile, code="work_support_cm", status="verified",
                                       reviewed_at=timezone.now())
    cm = WorkSupportCareManager.objects.create(user=user, municipality=t.municipality, offers=["seminars"])
    cm.areas.set([t.area])
    employer = Employer.objects.create(municipality=t.municipality, name=f"{t.municipality.name}商事",
                                       size_band="50_299", created_by=user)
    EmployerContact.objects.create(employer=employer, user=u["partner"])
    contract = Contract.objects.create(employer=employer, care_manager=cm, starts_on=today - dt.timedelta(days=30),
                                       ends_on=today + dt.timedelta(days=300))
    c = Consultation.objects.create(
        employer=employer, contract=contract, care_manager=cm, status="recorded", employee_name="両立太郎",
        employee_contact="ryoritsu@example.test", department_size="50_299", topics=["leave"],
        requested_at=timezone.now() - dt.timedelta(days=3), interviewed_on=today - dt.timedelta(days=1),
        relation="child", care_level="care_2", family_municipality=t.municipality, family_area=t.area,
        family_situation="母が要介護2", shared_with_employer=True)
    o["worklife_employer"] = employer
    o["worklife_consultation"] = c
    o["worklife_item"] = ChecklistItem.objects.create(employer=employer, consultation=c, kind="wishes_confirmed",
                                                      due_on=today + dt.timedelta(days=10))
    ChecklistItem.objects.create(employer=employer, kind="training", due_on=today + dt.timedelta(days=60))
    o["worklife_follow_up"] = FollowUp.objects.create(consultation=c, due_on=today + dt.timedelta(days=20))
    consent = HandoverConsent.objects.create(consultation=c, granted=True, scope=["situation"], basis="written",
                                             recorded_by=user)
    o["worklife_handover"] = Handover.objects.create(
        consultation=c, kind="support_center", municipality=t.municipality, area=t.area,
        shared={"reference": c.reference, "situation": c.family_situation}, consent=consent, sent_by=user)


def register(ns: dict) -> None:
    _cm_is_a_helper(ns)
    E, _a = ns["E"], ns["_a"]
    EVERYONE, OTHER_ALL = ns["EVERYONE"], ns["OTHER_ALL"]
    f = frozenset

    cm = f({"work_support_cm"})
    #: "partner" is the employer's HR contact (one named user), not every partner-role user.
    employer_side = f({"work_support_cm", "partner"})
    centre = f({"support_center"})

    def pk(w):
        return {"pk": _a(w, "worklife_consultation")}

    def employer(w):
        return {"pk": _a(w, "worklife_employer")}

    def code(w):
        return {"code": w["a"].objects["worklife_employer"].link_code}

    def follow(w):
        return {"pk": _a(w, "worklife_consultation"), "follow_up_id": _a(w, "worklife_follow_up")}

    def item(w):
        return {"pk": _a(w, "worklife_item")}

    def handover(w):
        return {"pk": _a(w, "worklife_handover")}

    def today():
        from django.utils import timezone

        return timezone.localdate().isoformat()

    ns["PAGES"].update({
        "worklife:directory": E(EVERYONE, OTHER_ALL, note="public directory"),
        "worklife:consult": E(EVERYONE, OTHER_ALL),
        "worklife:request": E(EVERYONE, OTHER_ALL, kwargs=code, note="the employer's link: anyone may ask"),
        "worklife:requested": E(EVERYONE, OTHER_ALL),
        "worklife:list": E(cm, cm, note="scoped to the care manager's own consultations"),
        "worklife:detail": E(cm, kwargs=pk),
        "worklife:record": E(cm, kwargs=pk),
        "worklife:plan": E(cm, kwargs=pk),
        "worklife:consent": E(cm, method="post", kwargs=pk,
                              body=lambda w: {"granted": "yes", "scope": ["situation"], "basis": "verbal"}),
        "worklife:handover": E(cm, method="post", kwargs=pk, body=lambda w: {"kind": "support_center"}),
        "worklife:share": E(cm, method="post", kwargs=pk, body=lambda w: {}),
        "worklife:follow_up": E(cm, method="post", kwargs=pk, body=lambda w: {"due_on": today(), "kind": "plan"}),
        "worklife:follow_up_done": E(cm, method="post", kwargs=follow, body=lambda w: {"still_employed": "yes"}),
        "worklife:close": E(cm, method="post", kwargs=pk,
                            body=lambda w: {"outcome": "kept_working", "on": today()}),
        "worklife:withdraw": E(cm, method="post", kwargs=pk, body=lambda w: {}),
        "worklife:employers": E(cm, cm, note="scoped to the care manager's employers"),
        "worklife:employer": E(employer_side, kwargs=employer, org_staff_as_partner=False,
                               note="HR contact: checklist and suppressed counts"),
        "worklife:contract": E(cm, method="post", kwargs=employer, body=lambda w: {"starts_on": today(),
                                                                                 "ends_on": today()}),
        "worklife:contact": E(cm, method="post", kwargs=employer, body=lambda w: {"email": "nobody@example.test"}),
        "worklife:seminar": E(cm, method="post", kwargs=employer, body=lambda w: {}),
        "worklife:item": E(employer_side, method="post", kwargs=item, org_staff_as_partner=False,
                           body=lambda w: {"done_on": today()}),
        "worklife:handovers": E(centre, centre, note="scoped to the centre's areas"),
        "worklife:handover_detail": E(centre, kwargs=handover),
        "worklife:acknowledge": E(centre, method="post", kwargs=handover, body=lambda w: {}),
        "worklife:link_proxy": E(centre, method="post", kwargs=handover, body=lambda w: {"resident": ""},
                                 note="a support-centre handover: refused with a message after the check"),
    })

    def cid(w):
        return {"consultation_id": _a(w, "worklife_consultation")}

    ns["API"].update({
        "worklife_care_managers": E(EVERYONE, OTHER_ALL),
        "worklife_request_consultation": E(EVERYONE, OTHER_ALL, note="empty body: 422 for everyone (lenient)"),
        "worklife_list_consultations": E(cm, cm),
        "worklife_get_consultation": E(cm, kwargs=cid),
        "worklife_record": E(cm, kwargs=cid),
        "worklife_plan": E(cm, kwargs=cid),
        "worklife_consent": E(cm, kwargs=cid),
        "worklife_handover": E(cm, kwargs=cid),
        "worklife_employer": E(employer_side, kwargs=lambda w: {"employer_id": _a(w, "worklife_employer")},
                               org_staff_as_partner=False),
        "worklife_checklist_item": E(employer_side, kwargs=lambda w: {"item_id": _a(w, "worklife_item")},
                                     org_staff_as_partner=False, body=lambda w: {"done_on": today()}),
        "worklife_list_handovers": E(centre, centre),
    })


def _cm_is_a_helper(ns: dict) -> None:
    """The world's work-support care manager holds a helper profile (the qualification lives on
    it), so the helper's own pages and operations answer them, in either tenant, as they answer
    any helper; and the helper's offers and schedule pages (their own, empty)."""
    import dataclasses

    own = ("helpers:me", "helpers_")
    extra = {"requests:offers", "requests:schedule"}
    for table in (ns["PAGES"], ns["API"]):
        for name, e in list(table.items()):
            if "helper" in e.allow and (name.startswith(own) or name in extra) and "delete" not in name:
                table[name] = dataclasses.replace(
                    e, allow=e.allow | {"work_support_cm"},
                    other=e.other | ({"work_support_cm"} if "helper" in e.other else set()))
