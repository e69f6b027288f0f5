"""Authorisation expectations of the training app (pages and API), merged into
authz_expectations by `register(ns)`; world objects from `objects(t)`.

World of each tenant: a dementia supporter course with one session (an event in 北地区) that
took place two days ago; the helper signed up and completed it (a certificate). Course
readers: coordinators, support centres, municipal administrators (and the operator); course
managers: coordinators (any area) and administrators; the session's completions: whoever
manages its event (the coordinators covering 北地区, the administrator, the operator). The
certificate PDF: its holder and the course managers. The verification page is public."""

import datetime as dt


def objects(t) -> None:
    from django.utils import timezone

    from sasaeai.events import services as event_services
    from sasaeai.events.models import Event
    from sasaeai.training import services

    o = t.objects
    course = services.create_course(by=None, municipality=t.municipality, title="認知症サポーター養成講座",
                                    kind="dementia_supporter")
    start = timezone.now() + dt.timedelta(days=3)
    session = services.add_session(by=None, course=course, starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                   capacity=20, area=t.area, place="地区センター")
    event_services.sign_up(by=t.users["helper"], event=session.event)
    past = timezone.now() - dt.timedelta(days=2)
    Event.objects.filter(pk=session.event_id).update(starts_at=past, ends_at=past + dt.timedelta(hours=2))
    session.event.refresh_from_db()
    o["training_course"] = course
    o["training_session"] = session
    o["training_completion"], _created = services.record_completion(by=None, session=session,
                                                                    person=t.users["helper"])


def register(ns: dict) -> None:
    E, _a = ns["E"], ns["_a"]
    EVERYONE, EVERYONE_LOGGED_IN, OTHER_ALL = ns["EVERYONE"], ns["EVERYONE_LOGGED_IN"], ns["OTHER_ALL"]
    f = frozenset
    readers_b = f({"coordinator_l1", "coordinator_l2", "coordinator_l2_other_area", "support_center",
                   "municipal_admin"})
    readers = readers_b | {"operator"}
    managers_b = f({"coordinator_l1", "coordinator_l2", "coordinator_l2_other_area", "municipal_admin"})
    managers = managers_b | {"operator"}
    organisers = f({"coordinator_l1", "coordinator_l2", "municipal_admin", "operator"})

    def pk(name):
        return lambda w: {"pk": _a(w, name)}

    def code(w):
        return {"code": w["a"].objects["training_completion"].display_code}

    ns["PAGES"].update({
        "training:list": E(readers, readers_b, note="each tenant's staff see their own courses"),
        "training:new": E(managers, managers_b),
        "training:mine": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="the caller's own completions"),
        "training:verify": E(EVERYONE, OTHER_ALL, note="public"),
        "training:verify_code": E(EVERYONE, OTHER_ALL, kwargs=code, note="public; an unknown code answers 404"),
        "training:detail": E(readers, kwargs=pk("training_course")),
        "training:session_new": E(managers, method="post", body=lambda w: {}, kwargs=pk("training_course"),
                                  note="no date: refused with a message (302)"),
        "training:session": E(organisers, kwargs=pk("training_session"),
                              note="whoever manages the session's event"),
        "training:revoke": E(managers, method="post", body=lambda w: {}, kwargs=pk("training_completion"),
                             note="no reason: refused with a message (302)"),
        "training:certificate": E(managers | {"helper"}, kwargs=pk("training_completion"),
                                  note="the holder and the course managers"),
    })
    ns["API"].update({
        "training_list_courses": E(readers, readers_b, note="scoped to the caller's municipalities"),
        "training_get_course": E(readers, kwargs=lambda w: {"course_id": _a(w, "training_course")}),
        "training_record_completion": E(organisers, method="post",
                                        kwargs=lambda w: {"session_id": _a(w, "training_session")},
                                        body=lambda w: {"person_id": w["a"].users["helper"].pk},
                                        note="idempotent: the helper's completion is returned"),
        "training_my_completions": E(EVERYONE_LOGGED_IN, OTHER_ALL),
        "training_verify": E(EVERYONE, OTHER_ALL, kwargs=code, note="public"),
    })
