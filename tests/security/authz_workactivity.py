"""Authorisation expectations of the work-like activities app (pages and API).

World objects of each tenant: a partner profile ("work_partner") on an organisation with no
staff (the world's partner-role user is nobody's staff, so partner-only rights are proven in
tests/workactivity), an open task in area 北地区, a work interest of the world's resident (the
task is offered to them: a kind they want) and of the world's helper, who is placed on the task
with one past participation date."""

import datetime as dt


def objects(t) -> None:
    from django.utils import timezone

    from sasaeai.directory.models import Organization
    from sasaeai.partners import services as partners
    from sasaeai.partners.models import PartnerKind
    from sasaeai.workactivity import services

    m, o = t.municipality, t.objects
    org = Organization.objects.create(municipality=m, name="権限農園")
    partner = partners.partner_create(by=None, organization=org, kind=PartnerKind.COMPANY)
    today = timezone.localdate()
    o["work_partner"] = partner
    o["work_task"] = services.task_create(
        by=None, partner=partner, title="権限の草取り", category="farm", area=t.area, address=f"{m.name}北町1-1",
        date=today - dt.timedelta(days=7), weekly_until=today + dt.timedelta(days=21), start_time=dt.time(9),
        end_time=dt.time(11), slots=3, publish=True)
    o["work_interest"] = services.interest_save(
        user=t.users["resident"], kinds=["farm"], weekdays=list(range(7)), available_from=dt.time(8),
        available_until=dt.time(17), area=t.area, consent=True)
    helper_interest = services.interest_save(
        user=t.users["helper"], kinds=["farm"], weekdays=list(range(7)), available_from=dt.time(8),
        available_until=dt.time(17), area=t.area, consent=True)
    o["work_placement"] = services.placement_confirm(by=None, task=o["work_task"], interest=helper_interest,
                                                     notify_person=False)


def register(ns: dict) -> None:
    E, _a = ns["E"], ns["_a"]
    EVERYONE_LOGGED_IN, OTHER_ALL, ORG_STAFF = ns["EVERYONE_LOGGED_IN"], ns["OTHER_ALL"], ns["ORG_STAFF"]
    f = frozenset
    work = f({"work_coordinator", "coordinator_l1", "municipal_admin", "operator"})
    work_other = work - {"operator"}
    people = f({"resident", "helper"})

    def task(w):
        return {"pk": _a(w, "work_task")}

    def placement(w):
        return {"pk": _a(w, "work_placement")}

    def last_week(w):
        return (w["a"].objects["work_task"].date).isoformat()

    ns["PAGES"].update({
        "workactivity:tasks": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="scoped to the viewer"),
        "workactivity:new": E(work | ORG_STAFF, work_other | ORG_STAFF, note="partner staff or work staff"),
        "workactivity:mine": E(people, people, note="residents and helpers keep a work interest"),
        "workactivity:detail": E(work | people, kwargs=task,
                                 note="the resident is offered the task, the helper is placed on it"),
        "workactivity:status": E(work, method="post", body=lambda w: {"action": "close"}, kwargs=task),
        "workactivity:confirm": E(work, method="post", kwargs=task,
                                  body=lambda w: {"interest": _a(w, "work_interest")}),
        "workactivity:withdraw": E(work, method="post", body=lambda w: {}, kwargs=placement),
        "workactivity:participation": E(work, method="post", kwargs=placement,
                                        body=lambda w: {"date": last_week(w), "attended": "1"}),
    })

    ns["API"].update({
        "workactivity_list_tasks": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="scoped to the caller"),
        "workactivity_create_task": E(work, method="post", body=lambda w: {
            "partner_id": _a(w, "work_partner"), "title": "袋詰め", "category": "shop", "area_id": w["a"].area.pk,
            "address": "北町1-1", "date": "2030-01-09", "start_time": "10:00", "end_time": "12:00", "slots": 2}),
        "workactivity_get_task": E(work | people, kwargs=lambda w: {"task_id": _a(w, "work_task")}),
        "workactivity_task_candidates": E(work, kwargs=lambda w: {"task_id": _a(w, "work_task")}),
        "workactivity_task_placements": E(work, kwargs=lambda w: {"task_id": _a(w, "work_task")}),
        "workactivity_confirm_placement": E(work, method="post", kwargs=lambda w: {"task_id": _a(w, "work_task")},
                                            body=lambda w: {"interest_id": _a(w, "work_interest")}),
        "workactivity_record_participation": E(work, method="post",
                                               kwargs=lambda w: {"placement_id": _a(w, "work_placement")},
                                               body=lambda w: {"date": last_week(w), "attended": True}),
        "workactivity_my_interest": E(people, people, note="one's own interest (residents and helpers)"),
        "workactivity_put_interest": E(people, people, method="put", body=lambda w: {
            "kinds": ["shop"], "weekdays": [1, 2], "available_from": "09:00", "available_until": "12:00"},
            note="the other tenant's people update their own interest"),
        "workactivity_my_placements": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="one's own placements"),
    })
