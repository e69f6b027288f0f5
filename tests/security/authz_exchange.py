"""Authorisation expectations of the coordinators' exchange (pages and API).

The exchange crosses municipalities: both matrix tenants are in prefecture 14, so the
coordinators of municipality B read and post in the same spaces as those of A. World: a
national space and a prefecture-14 space (created once), an anonymous question in the
prefecture space by A's layer-2 coordinator with a signed reply by A's layer-1 coordinator,
and an SC Café. Readers: layer-1/layer-2 coordinators of any municipality of the prefecture
and the operator (who reads but, not being a coordinator, does not post). Nobody of the
matrix moderates (moderators are appointed; tests/exchange cover them), so the anonymous
author is refused to everybody here."""

import datetime as dt


def objects(t) -> None:
    from django.utils import timezone

    from sasaeai.exchange import services
    from sasaeai.exchange.models import CafeSession, Space

    o = t.objects
    space, _c = Space.objects.get_or_create(name="神奈川県SCの場", scope="prefecture", prefecture="14")
    Space.objects.get_or_create(name="全国SCの場", scope="national", prefecture="")
    o["exchange_space"] = space
    q = services.post_thread(by=t.users["coordinator_l2"], space=space, body="移動支援の始め方は？", anonymous=True)
    o["exchange_thread"] = q
    o["exchange_reply"] = services.post_reply(by=t.users["coordinator_l1"], thread=q, body="社協と相談しました。")
    o["exchange_cafe"] = CafeSession.objects.create(space=space, title="SCカフェ",
                                                    starts_at=timezone.now() - dt.timedelta(days=1))


def register(ns: dict) -> None:
    E, _a = ns["E"], ns["_a"]
    f = frozenset
    sc = f({"coordinator_l1", "coordinator_l2", "coordinator_l2_other_area"})
    read = sc | {"operator"}
    asker = f({"coordinator_l2"})

    def pk(name):
        return lambda w: {"pk": _a(w, name)}

    def api(param, name):
        return lambda w: {param: _a(w, name)}

    survey = {"satisfaction": "4", "watched": "later"}
    from django.utils import timezone

    cafe = {"title": "SCカフェ", "starts_at": timezone.localtime(timezone.now() + dt.timedelta(days=3))
            .strftime("%Y-%m-%dT%H:%M")}
    ns["PAGES"].update({
        "exchange:spaces": E(read, sc),
        "exchange:space": E(read, sc, kwargs=pk("exchange_space")),
        "exchange:thread_new": E(sc, sc, method="post", body=lambda w: {"body": "相談です"},
                                 kwargs=pk("exchange_space")),
        "exchange:thread": E(read, sc, kwargs=pk("exchange_thread")),
        "exchange:reply_new": E(sc, sc, method="post", body=lambda w: {"body": "回答です"},
                                kwargs=pk("exchange_thread")),
        "exchange:accept": E(asker, method="post", body=lambda w: {}, kwargs=pk("exchange_reply"),
                             note="only who asked"),
        "exchange:react": E(sc, sc, method="post", body=lambda w: {"kind": "helpful"}, kwargs=pk("exchange_reply")),
        "exchange:report": E(read, sc, method="post", body=lambda w: {"reason": "不適切"},
                             kwargs=pk("exchange_reply")),
        "exchange:moderate": E(f(), method="post", body=lambda w: {"action": "hide", "reason": "x"},
                               kwargs=pk("exchange_reply"), note="appointed moderators only"),
        "exchange:moderation": E(f(), note="appointed moderators only"),
        "exchange:cafe": E(read, sc, kwargs=pk("exchange_cafe")),
        "exchange:cafe_register": E(sc, sc, method="post", body=lambda w: {}, kwargs=pk("exchange_cafe")),
        "exchange:cafe_survey": E(sc, sc, method="post", body=lambda w: dict(survey), kwargs=pk("exchange_cafe")),
        "exchange:cafe_new": E(sc, sc, method="post", body=lambda w: dict(cafe), kwargs=pk("exchange_space"),
                               note="coordinators of the space's reach (an event of their own municipality)"),
        "exchange:cafe_recording": E(f({"operator"}), method="post",
                                     body=lambda w: {"recording_url": "https://video.example.test/1"},
                                     kwargs=pk("exchange_cafe"), note="the café's organiser, moderators, the operator"),
    })
    ns["API"].update({
        "exchange_list_spaces": E(ns["EVERYONE_LOGGED_IN"], ns["OTHER_ALL"], note="lists only readable spaces"),
        "exchange_list_posts": E(read, sc, kwargs=api("space_id", "exchange_space")),
        "exchange_create_post": E(sc, sc, method="post", kwargs=api("space_id", "exchange_space"),
                                  body=lambda w: {"body": "相談です", "anonymous": True}),
        "exchange_get_post": E(read, sc, kwargs=api("post_id", "exchange_thread")),
        "exchange_reply": E(sc, sc, method="post", kwargs=api("post_id", "exchange_thread"),
                            body=lambda w: {"body": "回答です"}),
        "exchange_accept": E(asker, method="post", kwargs=api("post_id", "exchange_reply"), body=lambda w: {}),
        "exchange_react": E(sc, sc, method="post", kwargs=api("post_id", "exchange_reply"),
                            body=lambda w: {"kind": "me_too"}),
        "exchange_report": E(read, sc, method="post", kwargs=api("post_id", "exchange_reply"),
                             body=lambda w: {"reason": "不適切"}),
        "exchange_moderate": E(f(), method="post", kwargs=api("post_id", "exchange_reply"),
                               body=lambda w: {"action": "hide", "reason": "x"}),
        "exchange_get_author": E(f(), kwargs=api("post_id", "exchange_thread"),
                                 note="anonymous post: moderators only"),
        "exchange_list_cafes": E(read, sc, kwargs=api("space_id", "exchange_space")),
        "exchange_register_cafe": E(sc, sc, method="post", kwargs=api("cafe_id", "exchange_cafe"), body=lambda w: {}),
        "exchange_answer_survey": E(sc, sc, method="post", kwargs=api("cafe_id", "exchange_cafe"),
                                    body=lambda w: {"satisfaction": 5, "watched": "live"}),
    })
