"""Authorisation expectations of the events app (pages and API), merged into
authz_expectations by `register(ns)`; world objects from `objects(t)`.

World of each tenant: a public trial-volunteering event in 北地区 (capacity 30, in 5 days)
with the resident's confirmed sign-up, and a past trial event the resident attended, which
left a follow-up. Managers of an event in 北地区: the layer-1 and layer-2 coordinators, the
municipal administrator and the operator. Public events are read by everybody."""

import datetime as dt


def objects(t) -> None:
    from django.utils import timezone

    from sasaeai.events import services
    from sasaeai.events.models import Event

    o = t.objects
    start = timezone.now() + dt.timedelta(days=5)
    event = services.create_event(by=None, municipality=t.municipality, area=t.area, title="おためしボランティア",
                                  event_type="trial_volunteering", starts_at=start,
                                  ends_at=start + dt.timedelta(hours=2), capacity=30, place="地区センター")[0]
    o["event"] = event
    o["event_signup"] = services.sign_up(by=t.users["resident"], event=event)
    past = services.create_event(by=None, municipality=t.municipality, area=t.area, title="配食体験",
                                 event_type="trial_volunteering", starts_at=start,
                                 ends_at=start + dt.timedelta(hours=2), capacity=10, place="地区センター")[0]
    services.sign_up(by=t.users["resident"], event=past)
    services.record_attendance(by=None, event=past, person=t.users["resident"])
    Event.objects.filter(pk=past.pk).update(starts_at=timezone.now() - dt.timedelta(days=2),
                                            ends_at=timezone.now() - dt.timedelta(days=2, hours=-2))
    o["event_past"] = past
    o["event_followup"] = past.followups.get()


def register(ns: dict) -> None:
    E, _a = ns["E"], ns["_a"]
    EVERYONE, EVERYONE_LOGGED_IN, OTHER_ALL = ns["EVERYONE"], ns["EVERYONE_LOGGED_IN"], ns["OTHER_ALL"]
    f = frozenset
    manage = f({"coordinator_l1", "coordinator_l2", "municipal_admin", "operator"})
    organisers = manage | {"coordinator_l2_other_area"}
    organisers_b = f({"coordinator_l1", "coordinator_l2", "municipal_admin", "coordinator_l2_other_area"})
    person = f({"resident"})

    def pk(name):
        return lambda w: {"pk": _a(w, name)}

    def api(param, name):
        return lambda w: {param: _a(w, name)}

    ns["PAGES"].update({
        "events:list": E(EVERYONE, OTHER_ALL),
        "events:new": E(organisers, organisers_b, note="any coordinator or administrator of a municipality"),
        "events:publish": E(organisers, organisers_b, note="any coordinator or administrator of a municipality; "
                            "lists the published programmes of their municipalities"),
        "events:mine": E(EVERYONE_LOGGED_IN, OTHER_ALL),
        "events:my_ical": E(EVERYONE_LOGGED_IN, OTHER_ALL),
        "events:municipality_ical": E(EVERYONE, OTHER_ALL, kwargs=lambda w: {"pk": w["a"].municipality.pk},
                                      note="public events only"),
        "events:area_ical": E(EVERYONE, OTHER_ALL, kwargs=lambda w: {"pk": w["a"].area.pk}, note="public events only"),
        "events:detail": E(EVERYONE, OTHER_ALL, kwargs=pk("event"), note="a public event"),
        "events:signup": E(EVERYONE_LOGGED_IN, OTHER_ALL, method="post", body=lambda w: {}, kwargs=pk("event"),
                           note="public events are open to anybody logged in"),
        "events:cancel": E(manage, method="post", body=lambda w: {}, kwargs=pk("event")),
        "events:attendance": E(manage, kwargs=pk("event")),
        "events:signup_cancel": E(person | manage, method="post", body=lambda w: {}, kwargs=pk("event_signup")),
        "events:signup_confirm": E(person, method="post", body=lambda w: {}, kwargs=pk("event_signup"),
                                   note="no offer: refused with a message (302)"),
        "events:signup_qr": E(person, kwargs=pk("event_signup")),
        "events:checkin": E(manage, kwargs=lambda w: {"code": w["a"].objects["event_signup"].checkin_code}),
        "events:followups": E(organisers, organisers_b, note="lists only the follow-ups of events one manages"),
        "events:followup": E(person | manage, kwargs=pk("event_followup")),
        "events:followup_done": E(manage, method="post", body=lambda w: {}, kwargs=pk("event_followup")),
        "events:followup_register": E(person, method="post", body=lambda w: {}, kwargs=pk("event_followup")),
    })
    ns["API"].update({
        "events_list_events": E(EVERYONE, OTHER_ALL),
        "events_get_event": E(EVERYONE, OTHER_ALL, kwargs=api("event_id", "event")),
        "events_sign_up": E(EVERYONE_LOGGED_IN, OTHER_ALL, method="post", kwargs=api("event_id", "event"),
                            note="lenient: the resident is already signed up (400)"),
        "events_my_signups": E(EVERYONE_LOGGED_IN, OTHER_ALL),
        "events_cancel_signup": E(person | manage, method="post", kwargs=api("signup_id", "event_signup")),
        "events_confirm_signup": E(person, method="post", kwargs=api("signup_id", "event_signup"),
                                   note="lenient: no offer (400)"),
        "events_record_attendance": E(manage, method="post", kwargs=api("event_id", "event"),
                                      body=lambda w: {"person_id": w["a"].users["helper"].pk, "walk_in": True}),
    })
