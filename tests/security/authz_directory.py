"""Authorisation expectations of the directory app (merged into authz_expectations).

The world's directory objects (tests/security/conftest.py): in each municipality a
published resource visible to professionals only (`service`, area 北地区) and a pending
suggestion for it. Pages that pick the municipality from `?m=` get A's id."""


def register(g):
    from types import SimpleNamespace

    X = SimpleNamespace(**g)
    E = X.E
    EDITORS = frozenset({"coordinator_l1", "coordinator_l2", "municipal_admin", "operator"})
    EDITORS_ANY_AREA = EDITORS | {"coordinator_l2_other_area"}
    #: Who sees a professionals-only resource of A: STAFF_ROLES + work coordinators/care managers.
    PROFESSIONALS = EDITORS_ANY_AREA | {"support_center", "work_coordinator", "work_support_cm"}
    TENANT = X.EVERYONE_LOGGED_IN

    def m(w):
        return {"m": w["a"].municipality.pk}

    def service(w):
        return {"pk": w["a"].objects["service"].pk}

    def suggestion(w):
        return {"pk": w["a"].objects["suggestion"].pk}

    X.PAGES.update({
        "directory:search": E(X.EVERYONE, X.OTHER_ALL),
        "directory:map": E(X.EVERYONE, X.OTHER_ALL),
        "directory:map_data": E(X.EVERYONE, X.OTHER_ALL, query=m, note="same visibility as the list"),
        "directory:paper": E(X.EVERYONE, X.OTHER_ALL),
        "directory:booklet": E(X.EVERYONE, X.OTHER_ALL, query=m, note="public resources only, printed for anyone"),
        "directory:calendar": E(X.EVERYONE, X.OTHER_ALL, query=m),
        "directory:create": E(EDITORS_ANY_AREA | X.ORG_STAFF, query=m,
                              note="a provider's staff add resources to their own municipality's directory only"),
        "directory:manage": E(EDITORS_ANY_AREA | X.ORG_STAFF, EDITORS_ANY_AREA - {"operator"} | X.ORG_STAFF,
                              note="list of what one edits"),
        "directory:suggest_new": E(TENANT, query=m, note="members of the tenant suggest new places"),
        "directory:detail": E(PROFESSIONALS, kwargs=service),
        "directory:edit": E(EDITORS, kwargs=service),
        "directory:verify": E(EDITORS, method="post", body=lambda w: {}, kwargs=service),
        "directory:history": E(EDITORS, kwargs=service),
        "directory:suggest": E(PROFESSIONALS, kwargs=service),
        "directory:moderation": E(EDITORS_ANY_AREA, EDITORS_ANY_AREA - {"operator"}),
        "directory:review": E(EDITORS, kwargs=suggestion),
        "directory:exchange": E(EDITORS_ANY_AREA, query=m),
        "directory:download": E(EDITORS_ANY_AREA, query=m, kwargs=lambda w: {"what": "template.csv"}),
        "directory:import_job": E(EDITORS_ANY_AREA, kwargs=lambda w: {"pk": w["a"].objects["import_job"].pk},
                                  note="a background import: the municipality's editors; other municipality 404"),
    })
    X.API.update({
        "directory_list_resources": E(X.EVERYONE, X.OTHER_ALL),
        "directory_get_resource": E(PROFESSIONALS, kwargs=lambda w: {"resource_id": w["a"].objects["service"].pk}),
        "directory_suggest": E(TENANT, X.OTHER_ALL, method="post",
                               note="any logged-in user; lenient (no body): the tenant check needs a payload"),
    })
