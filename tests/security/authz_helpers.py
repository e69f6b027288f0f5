"""Authorisation expectations of the helpers and notifications apps (pages and API), merged
into authz_expectations.PAGES / API by `register(globals())`.

World objects of municipality A used here: "helper_profile" (the helper's, area 北地区,
identity verified), its submitted "qualification" and its availability "exception".
Reviewing and vetting helpers is the work of the municipality's coordinators (layer 1, the
layer-2 coordinator of the helper's area, the municipal administrator); the platform operator
does not review helpers. A helper's own pages answer only for a user with a helper profile.
"""


def register(ns: dict) -> None:
    E, _a = ns["E"], ns["_a"]
    EVERYONE_LOGGED_IN, OTHER_ALL = ns["EVERYONE_LOGGED_IN"], ns["OTHER_ALL"]
    f = frozenset

    helper = f({"helper"})
    reviewers = f({"coordinator_l1", "coordinator_l2", "municipal_admin", "coordinator_l2_other_area"})
    reviewers_here = f({"coordinator_l1", "coordinator_l2", "municipal_admin"})

    def json(**values):
        return lambda w: values

    def pk_of(name):
        return lambda w: {"pk": _a(w, name)}

    rules = {"rules-TOTAL_FORMS": "1", "rules-INITIAL_FORMS": "0", "rules-MIN_NUM_FORMS": "0",
             "rules-MAX_NUM_FORMS": "1000", "rules-0-weekday": "0", "rules-0-start_time": "09:00",
             "rules-0-end_time": "12:00"}

    ns["PAGES"].update({
        "helpers:me": E(helper, helper),
        "helpers:me_about": E(helper, helper),
        "helpers:me_home": E(helper, helper),
        "helpers:me_skills": E(helper, helper),
        "helpers:me_insurance": E(helper, helper),
        "helpers:postal": E(EVERYONE_LOGGED_IN, OTHER_ALL, method="post", body=json(code="105-0011"),
                            note="public postal data; any logged-in user"),
        "helpers:me_availability": E(helper, helper, method="post", body=lambda w: dict(rules)),
        "helpers:me_exception_add": E(helper, helper, method="post",
                                      body=json(date="2099-01-04", kind="day_off")),
        "helpers:me_exception_delete": E(helper, method="post", body=json(), kwargs=pk_of("exception")),
        "helpers:me_qualification_add": E(helper, helper, method="post", body=json(code="kangoshi")),
        "helpers:me_identity": E(helper, helper, method="post",
                                 note="identity already verified in the world -> 400 (lenient)"),
        "helpers:review": E(reviewers, reviewers),
        "helpers:list": E(reviewers, reviewers),
        "helpers:detail": E(reviewers_here, kwargs=pk_of("helper_profile")),
        "helpers:review_qualification": E(reviewers_here, method="post", body=json(decision="approve"),
                                          kwargs=pk_of("qualification")),
        "helpers:review_identity": E(reviewers_here, method="post", body=json(decision="approve"),
                                     kwargs=pk_of("helper_profile"),
                                     note="already verified: the refusal is shown after the redirect"),
        "helpers:suspend": E(reviewers_here, method="post", body=json(reason="権限テストのため"),
                             kwargs=pk_of("helper_profile")),
        "helpers:reinstate": E(reviewers_here, method="post", body=json(reason="権限テストのため"),
                               kwargs=pk_of("helper_profile")),
        "helpers:clear_flag": E(reviewers_here, method="post", body=json(reason="権限テストのため"),
                                kwargs=pk_of("helper_profile")),
        "notifications:inbox": E(EVERYONE_LOGGED_IN, OTHER_ALL),
        "notifications:mark_all_read": E(EVERYONE_LOGGED_IN, OTHER_ALL, method="post", body=json()),
        "notifications:preference": E(EVERYONE_LOGGED_IN, OTHER_ALL, method="post", body=json(channel="in_app")),
    })
    ns["API"].update({
        "helpers_get_me": E(helper, helper),
        "helpers_update_me": E(helper, helper, method="patch", body=json(bio="よろしくお願いします")),
        "helpers_get_rules": E(helper, helper),
        "helpers_put_rules": E(helper, helper, method="put",
                               body=lambda w: [{"weekday": 1, "start_time": "10:00", "end_time": "12:00"}]),
        "helpers_my_intervals": E(helper, helper, query={"start": "2030-01-07T00:00:00+09:00",
                                                         "end": "2030-01-14T00:00:00+09:00"}),
        "helpers_list_exceptions": E(helper, helper),
        "helpers_add_exception": E(helper, helper, method="post", body=json(date="2099-01-04")),
        "helpers_delete_exception": E(helper, method="delete", body=json()),
        "helpers_my_qualifications": E(helper, helper),
        "helpers_submit_qualification": E(helper, helper, method="post", body=json(code="kangoshi")),
        "helpers_submit_identity": E(helper, helper, method="post",
                                     note="identity already verified in the world -> 400 (lenient)"),
        "helpers_list_helpers": E(reviewers, reviewers),
        "helpers_pending_qualifications": E(reviewers, reviewers),
        "helpers_review_qualification": E(reviewers_here, method="post", body=json(approve=True)),
        "helpers_get_helper": E(reviewers_here),
        "helpers_helper_qualifications": E(reviewers_here),
        "helpers_review_identity": E(reviewers_here, method="post", note="already verified -> 400 (lenient)"),
        "helpers_suspend": E(reviewers_here, method="post", body=json(reason="権限テストのため")),
        "helpers_reinstate": E(reviewers_here, method="post", note="not suspended -> 400 (lenient)"),
        "helpers_clear_flag": E(reviewers_here, method="post", note="not flagged -> 400 (lenient)"),
        "notifications_list_notifications": E(EVERYONE_LOGGED_IN, OTHER_ALL),
        "notifications_mark_read": E(EVERYONE_LOGGED_IN, OTHER_ALL, method="post", body=json()),
        "notifications_get_preference": E(EVERYONE_LOGGED_IN, OTHER_ALL),
        "notifications_put_preference": E(EVERYONE_LOGGED_IN, OTHER_ALL, method="put", body=json(channel="in_app")),
    })
