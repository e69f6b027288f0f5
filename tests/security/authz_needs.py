"""Authorisation expectations of the needs app (register, gap table, API).

World objects of each tenant: "need" (naming the world's resident in area 1, with the
resident's consent) and "anonymous_need" (area 1) with a connection "need_link" to the
area's resource. The need's text is a sensitive marker: shown only with an access-log entry."""


def objects(t) -> None:
    from sasaeai.needs import services
    from sasaeai.needs.models import NeedLink

    m, o, u = t.municipality, t.objects, t.users
    text = f"困りごとの秘密{m.pk}号"
    o["need"] = services.need_create(by=u["coordinator_l2"], municipality=m, category="shopping",
                                     description=text, source="phone", resident=o["resident"])
    t.markers.append(text)
    o["anonymous_need"] = services.need_create(by=u["coordinator_l2"], municipality=m, category="garbage",
                                               description="ゴミ出しが大変", source="survey", area=t.area)
    o["need_link"] = NeedLink.objects.create(need=o["anonymous_need"], content_type_id=_ct(o["service"]),
                                             object_id=o["service"].pk)


def _ct(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def register(ns: dict) -> None:
    E, _a = ns["E"], ns["_a"]
    EVERYONE, EVERYONE_LOGGED_IN, OTHER_ALL = ns["EVERYONE"], ns["EVERYONE_LOGGED_IN"], ns["OTHER_ALL"]
    f = frozenset

    coordinators = f({"coordinator_l1", "coordinator_l2", "municipal_admin", "operator"})
    keepers_here = coordinators | {"support_center"}
    keepers_any = keepers_here | {"coordinator_l2_other_area"}
    coordinating_any = coordinators | {"coordinator_l2_other_area"}

    def need(w):
        return {"pk": _a(w, "need")}

    def link(w):
        return {"pk": _a(w, "anonymous_need"), "link_id": _a(w, "need_link")}

    def m_query(w):
        return {"m": w["a"].municipality.pk}

    ns["PAGES"].update({
        "needs:list": E(keepers_any, keepers_any - {"operator"},
                        note="the viewer's own municipality; rows scoped to their areas"),
        "needs:new": E(keepers_any, keepers_any - {"operator"}),
        "needs:import": E(coordinating_any, coordinating_any - {"operator"}),
        "needs:import_template": E(coordinating_any, coordinating_any - {"operator"}),
        "needs:gaps": E(EVERYONE, OTHER_ALL, query=m_query, note="counts suppressed below k for most viewers"),
        "needs:gaps_data": E(EVERYONE, OTHER_ALL, query=m_query),
        "needs:gaps_export": E(EVERYONE, OTHER_ALL, kwargs=lambda w: {"fmt": "csv"}, query=m_query),
        "needs:detail": E(keepers_here, kwargs=need),
        "needs:status": E(coordinators, method="post", body=lambda w: {"status": "triaged"}, kwargs=need),
        "needs:connect": E(coordinators, method="post", body=lambda w: {"service": _a(w, "service")}, kwargs=need),
        "needs:disconnect": E(coordinators, method="post", body=lambda w: {}, kwargs=link),
    })

    ns["API"].update({
        "needs_list_needs": E(EVERYONE_LOGGED_IN, OTHER_ALL, note="scoped to the caller's areas"),
        "needs_create_need": E(keepers_here, body=lambda w: {
            "municipality_id": w["a"].municipality.pk, "category": "shopping", "description": "電話で相談",
            "source": "phone", "area_id": w["a"].area.pk}),
        "needs_gap_table": E(EVERYONE, OTHER_ALL, query=lambda w: {"municipality_id": w["a"].municipality.pk}),
        "needs_get_need": E(keepers_here, kwargs=lambda w: {"need_id": _a(w, "need")}),
        "needs_change_need_status": E(coordinators, body=lambda w: {"status": "triaged"},
                                      kwargs=lambda w: {"need_id": _a(w, "need")}),
        "needs_connect_need": E(coordinators, body=lambda w: {"resource_id": _a(w, "service")},
                                kwargs=lambda w: {"need_id": _a(w, "need")}),
    })
