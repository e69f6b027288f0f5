"""Authorisation expectations of the requests app (pages and API), merged into
authz_expectations.PAGES / API by `register(globals())` at the end of that file.

World objects of municipality A used here: "open_request" (offered to the helper, with a
pending "offer"), "help_request" with its in-progress "booking", the batch "run" (area of
the resident) and its "line".

Care facilities' spot shifts (施設スポット支援): the "facility" of authz_partners.py and its
posted "facility_shift"; only the subject "facility_staff" is the facility's staff. Another
town's facility staff may open their own list and form, never A's posting."""

import datetime as dt


def register(ns: dict) -> None:
    E, _a = ns["E"], ns["_a"]
    EVERYONE_LOGGED_IN, OTHER_ALL = ns["EVERYONE_LOGGED_IN"], ns["OTHER_ALL"]
    COORDINATORS = ns["COORDINATORS"]
    f = frozenset

    recipient_side = f({"resident", "proxy"})
    coord = f({"coordinator_l1", "coordinator_l2", "municipal_admin", "operator"})
    assert coord == COORDINATORS
    staff_here = coord | {"support_center"}
    sees_open = recipient_side | {"helper"} | staff_here  # the open request: offer to the helper
    sees_booked = sees_open  # the in-progress request: booked helper
    manage_or_side = recipient_side | coord
    helper = f({"helper"})
    staff_any_b = f({"coordinator_l1", "coordinator_l2", "support_center", "municipal_admin",
                     "coordinator_l2_other_area"})
    coordinating_b = f({"coordinator_l1", "coordinator_l2", "municipal_admin", "coordinator_l2_other_area"})

    facility_staff = f({"facility_staff"})

    def open_pk(w):
        return {"pk": _a(w, "open_request")}

    def shift_pk(w):
        return {"pk": _a(w, "facility_shift")}

    def shift_request(w):
        return {"request_id": _a(w, "facility_shift")}

    def booked_pk(w):
        return {"pk": _a(w, "help_request")}

    def helper_pk(w):
        return _a(w, "helper_profile")

    def future(days=3):
        from django.utils import timezone

        return timezone.localtime(timezone.now()) + dt.timedelta(days=days)

    def intro(w, key="pk"):
        from sasaeai.requests.models import Introduction

        obj, _ = Introduction.objects.get_or_create(
            request_id=_a(w, "open_request"), helper_id=_a(w, "helper_profile"),
            defaults={"proposed_by": w["a"].users["proxy"], "mode": "phone", "scheduled_at": future(1)})
        return {key: _a(w, "open_request"), "intro_id": obj.pk}

    def request_body(w):
        return {"recipient_id": _a(w, "resident"), "category": "housework",
                "starts_at": future().isoformat(), "duration_minutes": 60}

    ns["PAGES"].update({
        "requests:mine": E(EVERYONE_LOGGED_IN, OTHER_ALL),
        "requests:new": E(EVERYONE_LOGGED_IN, OTHER_ALL,
                          note="people acting for nobody are sent to their (empty) list with a message"),
        "requests:intake": E(staff_here | {"coordinator_l2_other_area"}, staff_any_b,
                             note="search results are scoped to the staff member's areas"),
        "requests:detail": E(sees_open, kwargs=open_pk),
        "requests:booked_helper": E(recipient_side | staff_here, kwargs=booked_pk,
                                    note="the booked helper's profile: the resident, their family and the area's "
                                         "staff; the helper who is booked does not need it"),
        "requests:publish": E(sees_open - helper, method="post", body=lambda w: {}, kwargs=open_pk,
                              note="refused as illegal_transition (already offered) after the permission check"),
        "requests:cancel": E(manage_or_side, method="post", body=lambda w: {"reason": "都合により"}, kwargs=open_pk),
        "requests:dispute": E(manage_or_side | helper, method="post", body=lambda w: {"reason": "時間が違った"},
                              kwargs=booked_pk),
        "requests:offer": E(coord, method="post", body=lambda w: {"helpers": [helper_pk(w)]}, kwargs=open_pk),
        "requests:message": E(sees_open, method="post",
                              body=lambda w: {"helper": helper_pk(w), "body": "よろしくお願いします"},
                              kwargs=open_pk),
        "requests:introduction": E(sees_open, method="post", kwargs=open_pk, body=lambda w: {
            "helper": helper_pk(w), "mode": "phone", "date": future().date().isoformat(), "time": "10:00"}),
        "requests:introduction_answer": E(sees_open, method="post", body=lambda w: {"status": "cancelled"},
                                          kwargs=intro),
        "requests:withdraw": E(coord, method="post", body=lambda w: {}),
        "requests:board": E(coord | {"coordinator_l2_other_area"}, coordinating_b),
        "requests:batch": E(coord | {"coordinator_l2_other_area"}, coordinating_b),
        "requests:run": E(coord),
        "requests:run_edit": E(coord, method="post", body=lambda w: {"helper": ""}),
        "requests:run_line": E(coord),
        "requests:run_confirm": E(coord, method="post", body=lambda w: {}),
        "requests:run_discard": E(coord, method="post", body=lambda w: {}),
        "requests:offers": E(helper, helper),
        "requests:accept": E(helper, method="post", body=lambda w: {}),
        "requests:decline": E(helper, method="post", body=lambda w: {}),
        "requests:schedule": E(helper, helper),
        "requests:booking": E(helper),
        "requests:check_in": E(helper, method="post", body=lambda w: {},
                               note="already in progress: refused with a message"),
        "requests:check_out": E(helper, method="post", body=lambda w: {}),
        "requests:give_back": E(helper, method="post", body=lambda w: {"reason": "体調不良"}),
        "requests:no_show": E(coord, method="post", body=lambda w: {}),
        "requests:review": E(sees_booked - {"support_center"}, method="post", body=lambda w: {"stars": "5"},
                             note="refused (not completed) with a message after the permission check"),
        "requests:facility_shifts": E(facility_staff, facility_staff, note="care-facility staff only"),
        "requests:facility_new": E(facility_staff, facility_staff, note="care-facility staff only"),
        "requests:facility_shift": E(facility_staff, kwargs=shift_pk, note="a facility's own postings only"),
        "requests:facility_find": E(facility_staff, method="post", body=lambda w: {}, kwargs=shift_pk),
        "requests:facility_cancel": E(facility_staff, method="post", body=lambda w: {"reason": "中止"},
                                      kwargs=shift_pk),
    })

    ns["API"].update({
        "requests_list_requests": E(EVERYONE_LOGGED_IN, OTHER_ALL),
        "requests_create_request": E(recipient_side | staff_here, body=request_body),
        "requests_get_request": E(sees_open, kwargs=lambda w: {"request_id": _a(w, "open_request")}),
        "requests_publish": E(sees_open - helper),
        "requests_cancel": E(manage_or_side, body=lambda w: {"reason": "都合により"}),
        "requests_dispute": E(manage_or_side | helper, body=lambda w: {"reason": "時間が違った"},
                              kwargs=lambda w: {"request_id": _a(w, "help_request")}),
        "requests_candidates": E(coord),
        "requests_make_offers": E(coord, note="no helper chosen: 400 for coordinators"),
        "requests_list_request_offers": E(coord),
        "requests_list_messages": E(sees_open),
        "requests_post_message": E(sees_open, body=lambda w: {"helper_id": helper_pk(w), "body": "よろしく"}),
        "requests_propose_introduction": E(sees_open, body=lambda w: {
            "helper_id": helper_pk(w), "mode": "video", "scheduled_at": future().isoformat()}),
        "requests_answer_introduction": E(sees_open, body=lambda w: {"status": "cancelled"},
                                          kwargs=lambda w: intro(w, "request_id")),
        "requests_board": E(coord | {"coordinator_l2_other_area"}),
        "requests_my_offers": E(EVERYONE_LOGGED_IN, OTHER_ALL),
        "requests_accept": E(helper),
        "requests_decline": E(helper),
        "requests_withdraw": E(coord),
        "requests_my_bookings": E(EVERYONE_LOGGED_IN, OTHER_ALL),
        "requests_get_booking": E(recipient_side | staff_here,
                                  kwargs=lambda w: {"booking_id": _a(w, "withdrawn_booking")},
                                  note="another helper's booking; the matrix's helper had only a withdrawn offer"),
        "requests_check_in": E(helper),
        "requests_check_out": E(helper),
        "requests_give_back": E(helper),
        "requests_no_show": E(coord),
        "requests_post_review": E(sees_booked - {"support_center"}),
        "requests_run_batch": E(f({"coordinator_l1", "municipal_admin", "operator"}), body=lambda w: {
            "municipality_id": w["a"].municipality.pk, "day": future().date().isoformat()},
            note="a whole-municipality run needs a municipality-wide coordinator"),
        "requests_get_run": E(coord),
        "requests_edit_line": E(coord, body=lambda w: {"helper_id": None, "override": False, "override_reason": ""}),
        "requests_line_choices": E(coord),
        "requests_confirm_run": E(coord),
        "requests_discard_run": E(coord),
        "requests_facility_shifts": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="scoped to the caller's facilities"),
        "requests_create_facility_shift": E(facility_staff, body=lambda w: {
            "facility_id": _a(w, "facility"), "area_id": w["a"].area.pk, "starts_at": future().isoformat(),
            "duration_minutes": 120, "slots": 2}, note="the facility's own staff only"),
        "requests_facility_shift_bookings": E(facility_staff, kwargs=shift_request),
        "requests_facility_shift_offer": E(facility_staff, kwargs=shift_request,
                                           note="no world helper does spot shifts: the staff get 400 no_candidates"),
    })
