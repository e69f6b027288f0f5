"""Authorisation expectations of the councils app (pages and API), merged into
authz_expectations by `register(ns)`; world objects from `objects(t)`.

World of each tenant: the council of area 北地区 (layer 2; no council on the layer-1 area or
南地区 yet) with the council-member account seated on it, a past meeting with a public summary
and an attached file, an issue on the agenda with one action, and a policy proposal.
Readers: staff covering 北地区 (layer-1 and layer-2 coordinators, the support centre, the
municipal administrator), the seated council member and the operator. Managers: the
coordinators and the administrator (and the operator). Anyone reads the public summary."""

import datetime as dt


def objects(t) -> None:
    from django.utils import timezone

    from sasaeai.councils import services
    from sasaeai.councils.models import MeetingKind

    o = t.objects
    council = services.council_create(by=None, area=t.area, name=f"{t.area.name}協議体")
    o["council"] = council
    o["council_seat"] = services.member_add(by=None, council=council, name="委員 一郎", affiliation=5,
                                            term_start=dt.date(2024, 4, 1), user=t.users["council_member"])
    meeting = services.meeting_create(by=None, council=council, kind=MeetingKind.COUNCIL, title="第1回",
                                      starts_at=timezone.now() - dt.timedelta(days=3), place="地区センター")
    services.minutes_save(by=None, meeting=meeting, internal_minutes="内部の議事録", public_summary="公開の要旨",
                          decisions="決定事項")
    o["council_meeting"] = meeting
    o["council_file"] = services.file_attach(by=None, meeting=meeting, filename="資料.txt", content_type="text/plain",
                                             data=b"shiryou")
    issue = services.issue_raise(by=None, council=council, title="買い物の足", source="needs")
    services.issue_move(by=None, issue=issue, state="on_agenda")
    o["council_issue"] = issue
    o["council_action"] = services.action_add(by=None, issue=issue, title="調査")
    issue.refresh_from_db()
    services.issue_move(by=None, issue=issue, state="on_agenda")
    o["council_proposal"] = services.proposal_submit(by=None, council=council, title="提言", text="本文",
                                                     addressee="市長", submitted_on=dt.date(2025, 5, 1))


def register(ns: dict) -> None:
    E, _a = ns["E"], ns["_a"]
    EVERYONE, EVERYONE_LOGGED_IN, OTHER_ALL = ns["EVERYONE"], ns["EVERYONE_LOGGED_IN"], ns["OTHER_ALL"]
    f = frozenset
    manage = f({"coordinator_l1", "coordinator_l2", "municipal_admin", "operator"})
    read = manage | {"support_center", "council_member"}
    raise_ = manage | {"council_member"}
    # Areas without a council: the layer-1 area (layer-1 coordinators, administrators) and 南地区.
    registers = f({"coordinator_l1", "municipal_admin", "operator", "coordinator_l2_other_area"})

    def pk(name):
        return lambda w: {"pk": _a(w, name)}

    def api(param, name):
        return lambda w: {param: _a(w, name)}

    def start():
        from django.utils import timezone

        return (timezone.now() + dt.timedelta(days=5)).isoformat()

    ns["PAGES"].update({
        "councils:list": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="lists only the councils the viewer reads"),
        "councils:council_new": E(registers, registers - {"operator"}, method="post", body=lambda w: {},
                                  note="only who has an area without a council may register one"),
        "councils:council": E(read, kwargs=pk("council")),
        "councils:member_add": E(manage, method="post", body=lambda w: {}, kwargs=pk("council")),
        "councils:meeting_new": E(manage, kwargs=pk("council")),
        "councils:issue_new": E(raise_, kwargs=pk("council")),
        "councils:ical": E(EVERYONE, OTHER_ALL, kwargs=pk("council"),
                           note="public notice: type, date and place only"),
        "councils:meeting": E(read, kwargs=pk("council_meeting")),
        "councils:meeting_attendance": E(manage, method="post", body=lambda w: {}, kwargs=pk("council_meeting")),
        "councils:meeting_minutes": E(manage, method="post", body=lambda w: {"public_summary": "要旨"},
                                      kwargs=pk("council_meeting")),
        "councils:meeting_notify": E(manage, method="post", body=lambda w: {}, kwargs=pk("council_meeting")),
        "councils:meeting_file_add": E(manage, method="post", body=lambda w: {}, kwargs=pk("council_meeting"),
                                       note="without a file: refused with a message (302)"),
        "councils:meeting_file": E(read, kwargs=lambda w: {"pk": _a(w, "council_meeting"),
                                                           "file_id": _a(w, "council_file")}),
        "councils:meeting_pdf": E(read, kwargs=pk("council_meeting")),
        "councils:meeting_public": E(EVERYONE, OTHER_ALL, kwargs=pk("council_meeting")),
        "councils:public": E(EVERYONE, OTHER_ALL),
        "councils:issues": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="lists only the issues the viewer reads"),
        "councils:issue": E(read, kwargs=pk("council_issue")),
        "councils:issue_move": E(manage, method="post", body=lambda w: {"state": "action_plan"},
                                 kwargs=pk("council_issue")),
        "councils:issue_resolve": E(manage, method="post", body=lambda w: {"resolution_kind": "partner"},
                                    kwargs=pk("council_issue")),
        "councils:action_add": E(manage, method="post", body=lambda w: {"title": "聞き取り"},
                                 kwargs=pk("council_issue")),
        "councils:action_update": E(manage, method="post", body=lambda w: {"note": "進んだ", "progress": "50"},
                                    kwargs=pk("council_action")),
        "councils:proposals": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="lists only the proposals the viewer reads"),
        "councils:proposal_new": E(manage, manage - {"operator"}, method="post", body=lambda w: {},
                                   note="any coordinator with a council to write for"),
        "councils:proposal_decide": E(manage, method="post", body=lambda w: {"status": "adopted"},
                                      kwargs=pk("council_proposal")),
    })
    ns["API"].update({
        "councils_list_councils": E(EVERYONE_LOGGED_IN, OTHER_ALL),
        "councils_get_council": E(read, kwargs=api("council_id", "council")),
        "councils_add_member": E(manage, method="post", kwargs=api("council_id", "council"), body=lambda w: {
            "name": "新しい委員", "affiliation": 6, "term_start": "2025-04-01"}),
        "councils_list_meetings": E(read, kwargs=api("council_id", "council")),
        "councils_create_meeting": E(manage, method="post", kwargs=api("council_id", "council"),
                                     body=lambda w: {"title": "臨時会", "starts_at": start(), "place": "公民館"}),
        "councils_get_meeting": E(read, kwargs=api("meeting_id", "council_meeting")),
        "councils_record_attendance": E(manage, method="put", kwargs=api("meeting_id", "council_meeting"),
                                        body=lambda w: {"members": {str(_a(w, "council_seat")): True}}),
        "councils_save_minutes": E(manage, method="put", kwargs=api("meeting_id", "council_meeting"),
                                   body=lambda w: {"public_summary": "要旨"}),
        "councils_get_public_summary": E(EVERYONE, OTHER_ALL, kwargs=api("meeting_id", "council_meeting")),
        "councils_list_issues": E(EVERYONE_LOGGED_IN, OTHER_ALL),
        "councils_raise_issue": E(raise_, method="post", kwargs=api("council_id", "council"),
                                  body=lambda w: {"title": "新しい課題", "source": "member"}),
        "councils_get_issue": E(read, kwargs=api("issue_id", "council_issue")),
        "councils_move_issue": E(manage, method="post", kwargs=api("issue_id", "council_issue"),
                                 body=lambda w: {"state": "action_plan"}),
        "councils_resolve_issue": E(manage, method="post", kwargs=api("issue_id", "council_issue"),
                                    body=lambda w: {"resolution_kind": "partner"}),
        "councils_add_action": E(manage, method="post", kwargs=api("issue_id", "council_issue"),
                                 body=lambda w: {"title": "聞き取り"}),
        "councils_update_action": E(manage, method="post", kwargs=api("action_id", "council_action"),
                                    body=lambda w: {"note": "進んだ", "progress": 50}),
        "councils_list_proposals": E(EVERYONE_LOGGED_IN, OTHER_ALL),
        "councils_submit_proposal": E(manage, method="post", kwargs=api("council_id", "council"), body=lambda w: {
            "title": "提言", "text": "本文", "addressee": "市長", "submitted_on": "2025-06-01"}),
        "councils_decide_proposal": E(manage, method="put", kwargs=api("proposal_id", "council_proposal"),
                                      body=lambda w: {"status": "adopted"}),
    })
