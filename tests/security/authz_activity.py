"""Authorisation expectations of the activity log and the handover briefing (merged into
authz_expectations). World objects of each municipality: an activity entry logged by its
layer-2 coordinator in 北地区 (`activity_entry`) and a handover note of 北地区.

Records belong to the area: whoever covers 北地区 now (coordinators, municipal
administrators, operators) reads them; only the coordinator who logged an entry removes it.
Logging entries (page and API) is lenient: an area the subject does not cover answers 400."""


def objects(t) -> None:
    import datetime as dt

    from django.utils import timezone

    from sasaeai.activity.models import ActivityEntry, HandoverNote

    sc = t.users["coordinator_l2"]
    t.objects["activity_entry"] = ActivityEntry.objects.create(
        municipality=t.municipality, area=t.area, date=timezone.localdate() - dt.timedelta(days=1), minutes=60,
        function="matching", note="調整", recorded_by=sc)
    t.objects["handover_note"] = HandoverNote.objects.create(
        municipality=t.municipality, area=t.area, section="people", version=1, text="町会長", written_by=sc)


def register(g):
    from types import SimpleNamespace

    X = SimpleNamespace(**g)
    E = X.E
    f = frozenset
    COORDINATORS = X.COORDINATORS  # l1, l2, municipal_admin, operator: cover 北地区
    LOGGERS = f({"coordinator_l1", "coordinator_l2", "coordinator_l2_other_area"})
    READERS = COORDINATORS | {"coordinator_l2_other_area"}
    READERS_B = READERS - {"operator"}

    def entry(key):
        return lambda w: {key: w["a"].objects["activity_entry"].pk}

    def section(w):
        return {"section": "people"}

    X.PAGES.update({
        "activity:timesheet": E(LOGGERS, LOGGERS, note="one's own week"),
        "activity:log": E(LOGGERS, LOGGERS, method="post", note="lenient: an area one does not cover answers 400"),
        "activity:delete": E(f({"coordinator_l2"}), method="post", body=lambda w: {}, kwargs=entry("pk"),
                             note="only the coordinator who logged it"),
        "activity:area": E(COORDINATORS),
        "activity:handover_home": E(READERS, READERS_B, note="list of the areas one covers"),
        "activity:handover": E(COORDINATORS),
        "activity:notes_edit": E(COORDINATORS),
        "activity:note_history": E(COORDINATORS, kwargs=section),
    })
    X.API.update({
        "activity_list_entries": E(READERS, READERS_B, note="scoped to the areas one covers"),
        "activity_create_entry": E(LOGGERS, LOGGERS, method="post",
                                   note="lenient: an area one does not cover answers 400"),
        "activity_delete_entry": E(f({"coordinator_l2"}), method="delete", kwargs=entry("entry_id")),
        "activity_coordination_share": E(READERS, READERS_B, note="scoped to the areas one covers"),
        "activity_list_notes": E(COORDINATORS),
        "activity_note_versions": E(COORDINATORS, kwargs=section),
        "activity_save_note": E(COORDINATORS, method="post", body=lambda w: {
            "section": "people", "text": "町会長と副会長", "base_version": 1}),
    })
