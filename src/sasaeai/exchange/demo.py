"""Demo exchange: the national space and the town's prefecture space, with the coordinators of
the demo town and of a small synthetic neighbour 「ささえ北町」 (same prefecture, three
coordinators, one of them an appointed moderator): 50+ posts — questions (some anonymous) with
answers and accepted answers, discussion threads by topic, good-practice entries —, reactions,
a past SC Café with registrations, a recording and survey answers, and an upcoming SC Café with
registrations. Deterministic for the town's seed; a second call adds nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .models import CafeSession, Moderator, Post, PostKind, Reaction, Space

NEIGHBOUR = ("ささえ北町", "ささえきたまち")

QUESTIONS = [
    ("移動支援", "移動支援の立ち上げ、最初に誰に声をかけましたか？", "買い物や通院の移動に困っている声が多く、住民主体の移動支援を考えています。"),
    ("担い手の確保", "60代の担い手が集まりません", "定年延長で60代の方がなかなか地域活動に来られません。工夫を教えてください。"),
    ("協議体の運営", "協議体の議題がマンネリ化しています", "毎回報告だけで終わってしまいます。話し合いが進むやり方はありますか。"),
    ("通いの場", "通いの場の会場が見つかりません", "公民館の予約が取りにくく、空き家の活用を検討中です。"),
    ("買い物支援", "移動販売の誘致はどう進めましたか", "スーパーとの交渉の入口を知りたいです。"),
    ("見守り", "見守り活動と個人情報の扱い", "見守り名簿を住民と共有する際の同意の取り方を教えてください。"),
    ("就労的活動", "就労的活動の謝礼はいくらにしていますか", "企業と高齢者をつなぐとき、謝礼の相場に悩んでいます。"),
    ("担い手の確保", "おためしボランティアの参加者をどうつなぐか", "体験後に継続してくれる人が少ないです。フォローの方法は？"),
    ("協議体の運営", "第2層協議体のメンバー構成", "自治会・民生委員以外に誰を入れていますか。"),
    ("移動支援", "移動支援の保険はどうしていますか", "ボランティア保険で足りるのか迷っています。"),
    ("通いの場", "男性の参加者が増えません", "体操教室は女性ばかりです。男性が来る仕掛けは？"),
    ("見守り", "新聞配達店との見守り協定", "協定を結んだ事例があれば教えてください。"),
    ("買い物支援", "買い物代行の金銭管理", "お釣りの受け渡しでトラブルを防ぐ方法は？"),
    ("担い手の確保", "有償ボランティアの時給設定", "最低賃金との関係で悩んでいます。"),
    ("協議体の運営", "行政との役割分担", "SCと行政担当の役割分担をどう整理しましたか。"),
    ("就労的活動", "農作業の就労的活動", "農家さんとのマッチング事例を探しています。"),
    ("見守り", "孤立しがちな男性への声かけ", "退職直後の男性に届く声かけのコツは？"),
    ("通いの場", "オンラインの通いの場", "スマホ教室とセットにした事例はありますか。"),
    ("移動支援", "福祉有償運送との違い", "住民の送迎ボランティアとの線引きを教えてください。"),
    ("担い手の確保", "学生ボランティアとの連携", "大学との連携の始め方は？"),
]
ANSWERS = [
    "うちでは社協と自治会長に最初に相談しました。地域の困りごとの共有から始めると進みやすいです。",
    "まずは小さく始めて、成功事例を協議体で共有しました。",
    "近隣の市の事例を見学に行ったのがきっかけでした。",
    "アンケートで住民の声を集めてから動きました。数字があると行政も動きやすいです。",
    "地域包括支援センターと一緒に説明会を開きました。",
]
DISCUSSIONS = [
    ("協議体の運営", "協議体で「困りごとカード」を使ってみました", "付箋に困りごとを書いてもらうと発言が増えました。皆さんの工夫も聞きたいです。"),
    ("担い手の確保", "担い手の「燃え尽き」を防ぐには", "頼れる人に仕事が集中しがちです。意見交換しませんか。"),
    ("見守り", "見守りのゆるやかなネットワーク", "見守りを義務にしない工夫について話しましょう。"),
    ("通いの場", "通いの場の立ち上げ支援の範囲", "SCがどこまで関わるべきか、皆さんの考えを聞かせてください。"),
    ("就労的活動", "就労的活動と生きがい", "お金以外のやりがいをどう伝えていますか。"),
    ("移動支援", "移動支援と公共交通の再編", "市のバス路線見直しとの連携について。"),
    ("買い物支援", "買い物支援と見守りの両立", "買い物のついでの声かけをどう仕組みにするか。"),
    ("協議体の運営", "SCの孤立をどう防ぐか", "一人配置のSC同士でゆるくつながりませんか。"),
]
PRACTICES = [
    ("移動支援", "住民ドライバーによる買い物送迎", "rural", 8_500, "自治会の車両を使い週2回のスーパー送迎を開始。",
     "利用者月120人、ドライバー15人。"),
    ("通いの場", "空き家を活用した通いの場", "suburban", 42_000, "空き家バンクと連携し、改修費を助成。",
     "週3回開催、参加者延べ年2,000人。"),
    ("担い手の確保", "おためしボランティアから担い手へ", "urban", 150_000, "年12回の体験会と体験後の個別フォロー。",
     "参加者の3割が90日以内に担い手登録。"),
    ("見守り", "郵便局・新聞店との見守り協定", "rural", 12_000, "配達時の異変を包括に連絡する協定を締結。",
     "年間9件の早期発見につながった。"),
    ("就労的活動", "保育園での絵本読み聞かせ（就労的活動）", "urban", 90_000, "保育園と高齢者をマッチングし謝礼を支給。",
     "登録者28人、継続率85％。"),
    ("協議体の運営", "協議体から生まれた買い物バス", "island", 3_200, "協議体で課題を整理し、事業者と協定。",
     "島内の買い物困難者が半減。"),
]
TOWN_SC_LIMIT = 6


def seed(town) -> dict[str, int]:
    m = town.municipality
    if Post.objects.filter(demo_key__startswith=f"{m.code}:").exists():
        return {"posts": 0}
    with transaction.atomic():
        return _seed(town)


def _neighbour(town):
    """A small synthetic neighbour municipality of the same prefecture, with three coordinators
    (demo accounts, staff TOTP as for the town)."""
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from sasaeai.accounts.models import User
    from sasaeai.demo.generator import DEMO_PASSWORD, demo_email, demo_totp_key
    from sasaeai.tenancy import services as tenancy
    from sasaeai.tenancy.codes import with_check_digit
    from sasaeai.tenancy.models import Membership, Municipality, Role

    m = town.municipality
    offset = {"small": 994, "city": 995, "large": 996}.get(town.scale, 997)
    code = with_check_digit(f"{m.prefecture}{offset}")
    if code == m.code:
        code = with_check_digit(f"{m.prefecture}998")
    nb = Municipality.objects.filter(code=code).first() or tenancy.create_municipality(
        code=code, name=NEIGHBOUR[0], name_kana=NEIGHBOUR[1], prefecture=m.prefecture, population=9_800,
        population_65_plus=3_900, population_75_plus=2_300, center_lat=35.72, center_lon=139.30, is_synthetic=True)
    password = make_password(DEMO_PASSWORD)
    users = []
    for i, (role, name) in enumerate([(Role.COORDINATOR_L1, "北町 第1層SC"), (Role.COORDINATOR_L2, "北町 第2層SC"),
                                      (Role.COORDINATOR_L2, "北町 第2層SC（山間部）")]):
        email = demo_email(town.scale, f"kita-sc{i + 1}")
        user, _c = User.objects.get_or_create(email=email, defaults={
            "display_name": name, "furigana": "きたまち えすしー", "password": password, "is_demo": True})
        if not Membership.objects.filter(user=user, municipality=nb, role=role).exists():
            tenancy.create_membership(user=user, municipality=nb, role=role)
        TOTPDevice.objects.get_or_create(user=user, name="demo",
                                         defaults={"key": demo_totp_key(email, town.seed), "confirmed": True})
        users.append(user)
    return nb, users


def _spaces(prefecture: str) -> tuple[Space, Space]:
    from sasaeai.tenancy.codes import PREFECTURES

    pref_name = dict(PREFECTURES).get(prefecture, prefecture)
    national = (Space.objects.filter(scope=Space.Scope.NATIONAL).order_by("pk").first()
                or Space.objects.create(name="全国 生活支援コーディネーターの相談・交流の場", scope=Space.Scope.NATIONAL))
    pref = (Space.objects.filter(scope=Space.Scope.PREFECTURE, prefecture=prefecture).order_by("pk").first()
            or Space.objects.create(name=f"{pref_name} SCの相談・交流の場", scope=Space.Scope.PREFECTURE,
                                    prefecture=prefecture))
    return national, pref


def _seed(town) -> dict[str, int]:
    from sasaeai.accounts.models import User
    from sasaeai.tenancy.models import Role

    from . import selectors, services

    m, rng = town.municipality, town.rng("exchange")
    counts = {"posts": 0, "anonymous": 0, "accepted": 0, "practices": 0, "cafes": 0, "registrations": 0,
              "surveys": 0}
    mine = [u for u in User.objects.filter(is_active=True, memberships__municipality=m,
                                           memberships__ended_at__isnull=True, memberships__role__in=[
                                               Role.COORDINATOR_L1, Role.COORDINATOR_L2]).order_by("pk").distinct()
            if selectors.is_participant(u)][:TOWN_SC_LIMIT]  # coordinators in force (not a former SC)
    if not mine:
        return counts
    _nb, theirs = _neighbour(town)
    if not Moderator.objects.filter(user=theirs[0]).exists():
        Moderator.objects.create(user=theirs[0])
    national, pref = _spaces(m.prefecture)
    people = mine + theirs
    now = timezone.now()
    n = 0

    def key(label: str) -> str:
        return f"{m.code}:{label}"

    def dated(post: Post, days_ago: float) -> Post:
        Post.objects.filter(pk=post.pk).update(created_at=now - dt.timedelta(days=days_ago), demo_key=post.demo_key)
        return post

    def thread(author, space, body, *, kind, title, topic, anonymous=False, days_ago=0.0, **practice):
        nonlocal n
        post = services.post_thread(by=author, space=space, body=body, kind=kind, title=title, topic=topic,
                                    anonymous=anonymous, **practice)
        n += 1
        post.demo_key = key(f"p{n}")
        counts["posts"] += 1
        counts["anonymous"] += bool(anonymous)
        return dated(post, days_ago)

    def reply(author, parent, body, *, days_ago, anonymous=False):
        nonlocal n
        post = services.post_reply(by=author, thread=parent, body=body, anonymous=anonymous)
        n += 1
        post.demo_key = key(f"p{n}")
        counts["posts"] += 1
        counts["anonymous"] += bool(anonymous)
        return dated(post, days_ago)

    for i, (topic, title, body) in enumerate(QUESTIONS):
        asker = people[i % len(people)]
        space = pref if i % 3 else national
        days = 90 - i * 4.4 if i < len(QUESTIONS) - 3 else 2 - i * 0.1 + len(QUESTIONS) - 3
        q = thread(asker, space, body, kind=PostKind.QUESTION, title=title, topic=topic,
                   anonymous=i % 3 == 1, days_ago=max(days, 0.5))
        if i >= len(QUESTIONS) - 3 and i % 2:
            continue  # a recent question nobody has answered yet
        answerers = [p for p in people if p.pk != asker.pk]
        replies = [reply(rng.choice(answerers), q, ANSWERS[(i + k) % len(ANSWERS)], days_ago=max(days - 1 - k, 0.2),
                         anonymous=(i + k) % 7 == 3)
                   for k in range(1 + i % 3)]
        if i % 2 == 0:
            services.accept_answer(by=asker, reply=replies[0])
            counts["accepted"] += 1
        for p in rng.sample(people, 3):
            Reaction.objects.get_or_create(post=replies[0], user=p, kind=rng.choice(["helpful", "me_too"]))
    for i, (topic, title, body) in enumerate(DISCUSSIONS):
        author = people[(i + 2) % len(people)]
        d = thread(author, pref if i % 2 else national, body, kind=PostKind.DISCUSSION, title=title, topic=topic,
                   anonymous=i == 7, days_ago=60 - i * 7)
        for k in range(2):
            reply(people[(i + k + 3) % len(people)], d, ANSWERS[(i + k + 1) % len(ANSWERS)],
                  days_ago=max(59 - i * 7 - k, 0.3))
    for i, (topic, title, area_type, population, done, result) in enumerate(PRACTICES):
        body = f"{title}の取組を紹介します。{done}"
        thread(people[(i * 2) % len(people)], national if i % 2 else pref, body, kind=PostKind.PRACTICE, title=title,
               topic=topic, days_ago=80 - i * 12, area_type=area_type, population=population, what_was_done=done,
               result=result, attachment_url=f"https://example.test/kouji/{i + 1}.pdf")
        counts["practices"] += 1
    counts.update(_cafes(town, pref, national, mine, theirs, rng, key))
    return counts


def _cafes(town, pref, national, mine, theirs, rng, key) -> dict[str, int]:
    """A past SC Café (registrations, recording, survey answers) and an upcoming one."""
    from sasaeai.events.models import Event

    from . import services

    out = {"cafes": 0, "registrations": 0, "surveys": 0}
    people = mine + theirs
    today = timezone.localdate()
    soon = timezone.now() + dt.timedelta(hours=2)
    plans = [("past", "SCカフェ：協議体の進め方を語ろう", -21, pref), ("next", "SCカフェ：担い手づくりの工夫", 10, national)]
    for label, title, days, space in plans:
        demo_key = key(f"cafe-{label}")
        start = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=days), dt.time(19)))
        cafe = services.create_cafe(by=mine[0], space=space, title=title, starts_at=soon if days < 0 else start,
                                    join_url="https://meet.example.test/sc-cafe", capacity=30, demo_key=demo_key)
        out["cafes"] += 1
        for p in people[1:]:
            services.register_cafe(by=p, session=cafe)
            out["registrations"] += 1
        if days < 0:
            CafeSession.objects.filter(pk=cafe.pk).update(starts_at=start)
            Event.objects.filter(pk=cafe.event_id).update(starts_at=start, ends_at=start + dt.timedelta(hours=1))
            cafe.refresh_from_db()
            services.set_recording(by=mine[0], session=cafe, url="https://video.example.test/sc-cafe-1")
            for i, p in enumerate(people[1:]):
                services.answer_survey(by=p, session=cafe, satisfaction=[5, 4, 4, 3, 5, 4][i % 6],
                                       watched=["live", "live", "later", "none"][i % 4],
                                       comment=rng.choice(["他市の話が参考になりました。", "", "次回も参加したいです。"]))
                out["surveys"] += 1
    return out
