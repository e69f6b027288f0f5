"""The authorisation matrix: who may open every page and API operation.

Keys: page URL names ("namespace:name") and API operation ids without the
"sasaeai_api_routers_" prefix (e.g. "safety_get_record"). Every entry says, for an object
of municipality A, which subjects are allowed:

* `allow` — roles allowed when they belong to A ("own"); may contain "anonymous" and
  "operator" (a platform operator covers every tenant);
* `other` — roles allowed when they belong to municipality B ("other"); for object
  endpoints this stays empty: another tenant's object must be refused (404/403).

Subjects: anonymous, the operator, and each role of `ROLES` in A and in B (plus
"coordinator_l2_other_area": a layer-2 coordinator of A whose area does not hold the
resident; "partner_staff" and "facility_staff": partner-role users listed as the staff of
the tenant's partner organisation and of its care facility). An entry that does not name the
two staff subjects expects them to be treated as the plain "partner" subject — organisation
staff gain rights only where an entry says so (`expected`). Path parameters come from `KWARGS` by name (objects of A), or from an entry's
own `kwargs`. Unsafe methods send `body` (JSON for the API, form data for pages); entries
without a body are *lenient*: 400/422 counts for either side, but a denied subject must
never get a 2xx and an allowed one never 401/403/404.

To add an endpoint: add its key here. A page or operation without an entry fails
`test_every_endpoint_has_an_entry`.
"""

from collections.abc import Callable
from dataclasses import dataclass

ROLES = ["resident", "proxy", "helper", "coordinator_l1", "coordinator_l2", "support_center",
         "work_coordinator", "partner", "council_member", "municipal_admin", "work_support_cm",
         "coordinator_l2_other_area", "partner_staff", "facility_staff"]
EVERYONE_LOGGED_IN = frozenset(ROLES) | {"operator"}
EVERYONE = EVERYONE_LOGGED_IN | {"anonymous"}
OTHER_ALL = frozenset(ROLES)

#: Staff whose scope holds A's resident (area 北地区), and the operator.
CARE_STAFF = frozenset({"coordinator_l1", "coordinator_l2", "support_center", "municipal_admin", "operator"})
RECIPIENT_SIDE = frozenset({"resident", "proxy"})
COORDINATORS = frozenset({"coordinator_l1", "coordinator_l2", "municipal_admin", "operator"})
#: Care-staff roles regardless of area (list pages open, content scoped).
CARE_STAFF_ANY_AREA = CARE_STAFF | {"coordinator_l2_other_area"}
TENANT_MEMBERS = EVERYONE_LOGGED_IN


@dataclass(frozen=True)
class E:
    allow: frozenset
    other: frozenset = frozenset()
    method: str = "get"
    body: Callable | None = None
    kwargs: Callable | None = None
    query: dict | None = None
    note: str = ""
    #: False where "partner" stands for one named user (an employer's HR contact), not for
    #: the role: the organisation-staff subjects are then allowed only where named.
    org_staff_as_partner: bool = True


#: Partner-role subjects who are an organisation's staff (see `expected`).
ORG_STAFF = frozenset({"partner_staff", "facility_staff"})


def expected(entry: E, role: str, scope: str) -> bool:
    """Whether the subject `role` of municipality A ("own") or B ("other") may use `entry`.
    An organisation's staff is allowed where the entry names them, and otherwise exactly
    where a plain partner-role user is (unless `org_staff_as_partner` is off)."""
    allowed = entry.allow if scope == "own" else entry.other
    return role in allowed or (role in ORG_STAFF and entry.org_staff_as_partner and "partner" in allowed)


def _a(w, name):
    return w["a"].objects[name].pk


#: Default path parameters (objects of municipality A) by parameter name.
KWARGS: dict[str, Callable] = {
    "resident_id": lambda w: _a(w, "resident"),
    "municipality_id": lambda w: w["a"].municipality.pk,
    "area_id": lambda w: w["a"].area.pk,
    "alert_id": lambda w: _a(w, "alert"),
    "incident_id": lambda w: _a(w, "incident"),
    "booking_id": lambda w: _a(w, "booking"),
    "request_id": lambda w: _a(w, "open_request"),
    "offer_id": lambda w: _a(w, "offer"),
    "run_id": lambda w: _a(w, "run"),
    "line_id": lambda w: _a(w, "line"),
    "profile_id": lambda w: _a(w, "helper_profile"),
    "qualification_id": lambda w: _a(w, "qualification"),
    "exception_id": lambda w: _a(w, "exception"),
}

_visit_alert = {"alert_id": lambda w: _a(w, "visit_alert")}  # noqa: E731

PAGES: dict[str, E] = {
    # core, accounts, tenancy
    "healthz": E(EVERYONE, OTHER_ALL),
    "set_language": E(EVERYONE, OTHER_ALL, method="post", body=lambda w: {"language": "en", "next": "/"}),
    "javascript-catalog": E(EVERYONE, OTHER_ALL),
    "api:openapi-json": E(EVERYONE, OTHER_ALL),
    "api:openapi-view": E(EVERYONE, OTHER_ALL),
    "api:api-root": E(frozenset(), note="ninja's root path answers 404 for everybody"),
    "core:home": E(EVERYONE, OTHER_ALL),
    "accounts:login": E(EVERYONE, OTHER_ALL),
    "accounts:logout": E(EVERYONE, OTHER_ALL, method="post", body=lambda w: {}),
    "accounts:otp": E(EVERYONE_LOGGED_IN, OTHER_ALL),
    "tenancy:municipality": E(TENANT_MEMBERS),
    "tenancy:area": E(TENANT_MEMBERS),
    # safety
    "safety:overview": E(CARE_STAFF_ANY_AREA, CARE_STAFF_ANY_AREA - {"operator"}),
    "safety:my_records": E(EVERYONE_LOGGED_IN, OTHER_ALL),
    "safety:resident": E(CARE_STAFF | RECIPIENT_SIDE | {"helper"}),
    "safety:consent": E(CARE_STAFF | RECIPIENT_SIDE),
    "safety:access_log": E(CARE_STAFF | RECIPIENT_SIDE),
    "safety:plan": E(CARE_STAFF | RECIPIENT_SIDE | {"helper"}),
    "safety:emergency": E(CARE_STAFF | RECIPIENT_SIDE | {"helper"}),
    "safety:incident_new": E(CARE_STAFF | RECIPIENT_SIDE),
    "safety:standards": E(frozenset({"helper"})),
    "safety:subject_export": E(frozenset({"coordinator_l1", "municipal_admin", "operator", "resident"})),
    "safety:anonymise": E(frozenset({"coordinator_l1", "municipal_admin", "operator"})),
    "safety:access_log_export": E(frozenset({"municipal_admin", "operator"}), frozenset({"municipal_admin"}),
                                  kwargs=lambda w: {"fmt": "csv"}),
    "safety:alerts": E(EVERYONE_LOGGED_IN, OTHER_ALL),
    "safety:alert": E(CARE_STAFF | RECIPIENT_SIDE | {"helper"}),
    "safety:rules": E(frozenset({"coordinator_l1", "municipal_admin", "operator"})),
    "safety:incidents": E(EVERYONE_LOGGED_IN, OTHER_ALL),
    "safety:incident": E(CARE_STAFF | {"helper"}),
    "safety:visit_alerts": E(EVERYONE_LOGGED_IN, OTHER_ALL),
    "safety:visit_alert": E(COORDINATORS, kwargs=lambda w: {k: f(w) for k, f in _visit_alert.items()}),
    "safety:visit_alert_resolve": E(COORDINATORS, method="post", body=lambda w: {},
                                    kwargs=lambda w: {k: f(w) for k, f in _visit_alert.items()}),
    "safety:recovery_issue": E(COORDINATORS | {"coordinator_l2_other_area"},
                               COORDINATORS - {"operator"} | {"coordinator_l2_other_area"}),
    "safety:recover": E(EVERYONE, OTHER_ALL),
    "safety:vetting_audit": E(COORDINATORS | {"coordinator_l2_other_area"},
                              COORDINATORS - {"operator"} | {"coordinator_l2_other_area"}),
}


def _json(**values):
    return lambda w: values


API: dict[str, E] = {
    # accounts, tenancy
    "accounts_issue_token": E(EVERYONE, OTHER_ALL, method="post", note="auth=None; empty body -> 422"),
    "accounts_me": E(EVERYONE_LOGGED_IN, OTHER_ALL),
    "tenancy_list_municipalities": E(EVERYONE_LOGGED_IN, OTHER_ALL),
    "tenancy_create_municipality": E(frozenset({"operator"}), method="post"),
    "tenancy_get_municipality": E(TENANT_MEMBERS),
    "tenancy_list_areas": E(TENANT_MEMBERS),
    "tenancy_create_area": E(frozenset({"municipal_admin", "operator"}), method="post",
                             body=_json(name="新地区", center_lat=35.4, center_lon=139.4)),
    "tenancy_get_area": E(TENANT_MEMBERS),
    # safety
    "safety_list_consents": E(CARE_STAFF | RECIPIENT_SIDE),
    "safety_set_consent": E(CARE_STAFF | RECIPIENT_SIDE, method="post",
                            body=_json(purpose="statistics", granted=True, basis="written", giver_kind="self"),
                            note="recipient side always records basis=online"),
    "safety_get_record": E(CARE_STAFF | RECIPIENT_SIDE | {"helper"}),
    "safety_resident_access_log": E(CARE_STAFF | RECIPIENT_SIDE),
    "safety_export_access_log": E(frozenset({"municipal_admin", "operator"}), frozenset({"municipal_admin"})),
    "safety_get_plan": E(CARE_STAFF | RECIPIENT_SIDE | {"helper"}),
    "safety_put_plan": E(CARE_STAFF | RECIPIENT_SIDE, method="put",
                         body=_json(notes="", hospital="", contacts=[
                             {"kind": "family", "name": "権限二郎", "phone": "09011110000"}])),
    "safety_get_guidance": E(EVERYONE, OTHER_ALL, note="public: the 119 guidance is for anyone"),
    "safety_raise_emergency": E(CARE_STAFF | RECIPIENT_SIDE | {"helper"}, method="post",
                                body=lambda w: {"resident_id": _a(w, "resident"), "called_119": True}),
    "safety_list_emergencies": E(EVERYONE_LOGGED_IN, OTHER_ALL),
    "safety_get_emergency": E(CARE_STAFF | RECIPIENT_SIDE | {"helper"}),
    "safety_acknowledge_emergency": E(CARE_STAFF | {"proxy", "helper"}, method="post", body=_json(),
                                      note="the resident sees the alert but is not in the chain; the proxy is"),
    "safety_resolve_emergency": E(CARE_STAFF | {"helper"}, frozenset(), method="post", body=_json()),
    "safety_get_escalation_rules": E(TENANT_MEMBERS),
    "safety_put_escalation_rules": E(frozenset({"coordinator_l1", "municipal_admin", "operator"}), method="put",
                                     body=_json(ack_timeout_minutes=5)),
    "safety_report_incident": E(CARE_STAFF | RECIPIENT_SIDE, method="post", body=lambda w: {
        "resident_id": _a(w, "resident"), "kind": "fall", "severity": "low",
        "occurred_at": "2026-01-01T10:00:00+09:00", "description": "転倒しそうになった"}),
    "safety_list_incidents": E(EVERYONE_LOGGED_IN, OTHER_ALL),
    "safety_get_incident": E(CARE_STAFF | {"helper"}),
    "safety_follow_up_incident": E(CARE_STAFF, method="post",
                                   body=_json(status="investigating", note="家族に連絡した")),
    "safety_list_visit_alerts": E(EVERYONE_LOGGED_IN, OTHER_ALL),
    "safety_resolve_visit_alert": E(COORDINATORS, method="post", body=_json(),
                                    kwargs=lambda w: {k: f(w) for k, f in _visit_alert.items()}),
    "safety_get_standards": E(EVERYONE_LOGGED_IN, OTHER_ALL),
    "safety_agree_standards": E(frozenset({"helper"}), method="post",
                                body=lambda w: {"resident_id": _a(w, "resident")}),
    "safety_issue_recovery_code": E(COORDINATORS | {"coordinator_l2_other_area"}, method="post",
                                    body=lambda w: {"user_id": w["a"].users["helper"].pk,
                                                    "identity_check": "in_person_id"},
                                    note="accounts are municipality members: any coordinator of the tenant"),
    "safety_redeem_recovery_code": E(EVERYONE, OTHER_ALL, method="post", note="auth=None; wrong code -> 400"),
    "safety_export_subject": E(frozenset({"coordinator_l1", "municipal_admin", "operator", "resident"})),
    "safety_anonymise_subject": E(frozenset({"coordinator_l1", "municipal_admin", "operator"}), method="post",
                                  body=_json()),
}


# Each app keeps its entries in its own `authz_<app>.py` beside this file, with
# `register(ns)` (adds to PAGES / API) and optionally `objects(tenant)` (adds the world objects
# its entries need; called by conftest.py for each tenant). Every such file is merged here, in
# name order, so a new app adds a file and edits nothing shared.
def authz_modules():
    import importlib.util
    from pathlib import Path

    modules = []
    for path in sorted(Path(__file__).parent.glob("authz_*.py")):
        if path.stem == "authz_expectations":
            continue
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        modules.append(module)
    return modules


for _module in authz_modules():
    _module.register(globals())
