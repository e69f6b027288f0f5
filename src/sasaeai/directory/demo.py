"""Demo directory for the synthetic town: organisations and ≥ 200 published resources in
every category and every layer-2 area, plus some professionals-only and private entries,
drafts and stale ones. Deterministic for `town.seed`; a second call adds nothing."""

from __future__ import annotations

import math
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from sasaeai.tenancy.models import Membership, Role

from .models import (
    Category,
    ChangeRecord,
    Cost,
    Location,
    Organization,
    Schedule,
    Service,
    Status,
    Target,
    Visibility,
)
from .services import build_search_text

ORGANIZATIONS = [
    ("社会福祉協議会", "しゃかいふくしきょうぎかい"),
    ("老人クラブ連合会", "ろうじんくらぶれんごうかい"),
    ("NPO法人ささえあいネット", "えぬぴーおーほうじんささえあいねっと"),
    ("生活協同組合コープみらい", "せいかつきょうどうくみあいこーぷみらい"),
    ("スーパーまるやま", "すーぱーまるやま"),
    ("とくし丸（移動スーパー）", "とくしまる"),
    ("町会連合会", "ちょうかいれんごうかい"),
    ("シルバー人材センター", "しるばーじんざいせんたー"),
    ("地域包括支援センター", "ちいきほうかつしえんせんたー"),
    ("訪問介護ひまわり", "ほうもんかいごひまわり"),
    ("こども食堂ネットワーク", "こどもしょくどうねっとわーく"),
    ("商店会", "しょうてんかい"),
]

#: category -> (organisation index, [(name, kana), ...], [tags])
CATALOGUE = {
    Category.KAYOI: (1, [("ふれあいサロン", "ふれあいさろん"), ("いきいきサロン", "いきいきさろん"),
                         ("ひだまりの会", "ひだまりのかい"), ("えがおサロン", "えがおさろん")],
                     ["外出のきっかけ", "仲間づくり"]),
    Category.EXERCISE: (1, [("いきいき百歳体操", "いきいきひゃくさいたいそう"), ("ラジオ体操の会", "らじおたいそうのかい"),
                            ("ノルディックウォーキング", "のるでぃっくうぉーきんぐ"), ("椅子ヨガ教室", "いすよがきょうしつ")],
                        ["体力づくり", "外出のきっかけ"]),
    Category.HOBBY: (2, [("俳句の会", "はいくのかい"), ("スマホ教室", "すまほきょうしつ"),
                         ("手芸サークル", "しゅげいさーくる"), ("囲碁・将棋クラブ", "いご・しょうぎくらぶ")],
                     ["学び", "仲間づくり"]),
    Category.TEA: (0, [("まちかど茶話会", "まちかどさわかい"), ("オレンジカフェ", "おれんじかふぇ"),
                       ("縁側カフェ", "えんがわかふぇ"), ("おしゃべり広場", "おしゃべりひろば")],
                   ["話し相手", "居場所"]),
    Category.MEALS: (3, [("夕食お届け便", "ゆうしょくおとどけびん"), ("見守り配食サービス", "みまもりはいしょくさーびす")],
                     ["食事", "見守り"]),
    Category.MOBILE_SALES: (5, [("移動スーパー停留所", "いどうすーぱーていりゅうじょ"), ("移動販売（青果）", "いどうはんばい")],
                            ["買い物の楽しみ", "外出のきっかけ"]),
    Category.SHOPPING: (4, [("ふれあい便（無料配達）", "ふれあいびん"), ("買い物付き添いボランティア", "かいものつきそいぼらんてぃあ")],
                        ["買い物", "重い荷物"]),
    Category.TRANSPORT: (2, [("おでかけ送迎", "おでかけそうげい"), ("通院付き添い", "つういんつきそい")],
                         ["通院", "外出のきっかけ"]),
    Category.WATCHING: (6, [("見守り訪問", "みまもりほうもん"), ("声かけ隊", "こえかけたい")],
                        ["安心", "見守り"]),
    Category.HOUSEWORK: (7, [("ちょこっと家事お手伝い", "ちょこっとかじおてつだい"), ("庭の草取り", "にわのくさとり")],
                         ["家事", "すき間ニーズ"]),
    Category.MULTIGEN: (10, [("みんなの食堂", "みんなのしょくどう"), ("多世代交流ひろば", "たせだいこうりゅうひろば")],
                        ["多世代", "役割がある"]),
    Category.REST: (11, [("ひと休みベンチ", "ひとやすみべんち"), ("休憩スペース", "きゅうけいすぺーす")],
                    ["休める場所", "外出しやすい"]),
    Category.COOPERATING_STORE: (11, [("認知症にやさしいお店", "にんちしょうにやさしいおみせ"), ("見守り協力店", "みまもりきょうりょくてん"),
                                      ("美容室（訪問カットあり）", "びようしつ")],
                                 ["外出が楽しみになる", "見守り"]),
    Category.WORK: (7, [("有償ボランティア（公園清掃）", "ゆうしょうぼらんてぃあ"), ("保育園の読み聞かせ", "ほいくえんのよみきかせ")],
                    ["役割がある", "就労的活動"]),
    Category.CONSULTATION: (8, [("出張なんでも相談", "しゅっちょうなんでもそうだん"), ("介護者のつどい", "かいごしゃのつどい")],
                            ["相談", "安心"]),
    Category.CARE_PROVIDER: (9, [("デイサービス", "でいさーびす"), ("訪問看護ステーション", "ほうもんかんごすてーしょん")],
                             ["専門職", "介護"]),
}

#: Categories whose entries are sessions with a timetable (the rest are open/on-request).
SESSIONS = {Category.KAYOI, Category.EXERCISE, Category.HOBBY, Category.TEA, Category.MULTIGEN,
            Category.MOBILE_SALES, Category.CONSULTATION, Category.WORK}
TARGET_SETS = [
    [Target.HEALTHY, Target.FRAIL], [Target.FRAIL, Target.SUPPORT], [Target.HEALTHY],
    [Target.SUPPORT, Target.CARE, Target.CARERS], [Target.DEMENTIA, Target.CARERS, Target.FRAIL],
    [Target.HEALTHY, Target.FRAIL, Target.SUPPORT, Target.DEMENTIA],
]
SLOTS = [(time(9, 30), time(11, 0)), (time(10, 0), time(11, 30)), (time(13, 30), time(15, 0)),
         (time(14, 0), time(16, 0)), (time(10, 0), time(12, 0))]
TARGET_TOTAL = 210


def seed(town) -> dict[str, int]:
    municipality = town.municipality
    rng = town.rng("directory")
    now = timezone.now()
    created = {"organizations": 0, "services": 0, "schedules": 0}
    with transaction.atomic():
        orgs = []
        for i, (name, kana) in enumerate(ORGANIZATIONS):
            org, new = Organization.objects.get_or_create(
                municipality=municipality, demo_key=f"org:{i}",
                defaults={"name": f"{municipality.name}{name}" if i in (0, 1, 6, 11) else name,
                          "name_kana": kana, "phone": f"042-600-{1000 + i:04d}",
                          "description": "架空のデモ団体です。"},
            )
            created["organizations"] += int(new)
            orgs.append(org)
        partners = Membership.objects.filter(municipality=municipality, role=Role.PARTNER).select_related("user")
        for j, membership in enumerate(partners.order_by("pk")):
            orgs[(j * 5 + 2) % len(orgs)].members.add(membership.user)

        verifier = {}
        for m in Membership.objects.filter(municipality=municipality, role=Role.COORDINATOR_L2).prefetch_related("areas"):
            for a in m.areas.all():
                verifier.setdefault(a.pk, m.user)
        fallback = Membership.objects.filter(municipality=municipality, role=Role.COORDINATOR_L1).first()

        areas = list(town.areas)
        per_cell = max(1, math.ceil(TARGET_TOTAL / (len(Category.values) * max(len(areas), 1))))
        existing = set(Service.objects.filter(municipality=municipality, demo_key__isnull=False)
                       .values_list("demo_key", flat=True))
        serial = 0
        for a_index, area in enumerate(areas):
            for category in Category:
                org_index, names, tags = CATALOGUE[category]
                for k in range(per_cell):
                    serial += 1
                    # Draw every value whether or not the row exists, so streams stay aligned.
                    base_name, kana = names[(k + a_index) % len(names)]
                    dlat, dlon = rng.uniform(-0.012, 0.012), rng.uniform(-0.014, 0.014)
                    targets = rng.choice(TARGET_SETS)
                    cost_roll = rng.random()
                    amount = rng.choice([100, 200, 300, 500, 1000])
                    capacity = rng.choice([None, 10, 15, 20, 30, 40])
                    age_days = rng.randint(0, 170)
                    weekday, slot = rng.randrange(7 if category in {Category.MOBILE_SALES, Category.REST} else 5), rng.choice(SLOTS)
                    monthly = rng.random() < 0.3
                    extra_weekday = rng.randrange(5)
                    key = f"svc:{area.pk}:{category.value}:{k}"
                    if key in existing:
                        continue
                    visibility = Visibility.PUBLIC
                    if serial % 37 == 0:
                        visibility = Visibility.PROFESSIONALS
                    elif category == Category.COOPERATING_STORE and k == per_cell - 1 and a_index % 2 == 0:
                        visibility = Visibility.PRIVATE
                    if serial % 13 == 0:
                        age_days = 200 + age_days  # stale: not verified for more than 180 days
                    cost = Cost.FREE if cost_roll < 0.55 else Cost.YEN if cost_roll < 0.9 else Cost.POINTS
                    org = orgs[(org_index + (k if org_index in (8, 9) else 0)) % len(orgs)]
                    house = f"{(serial % 5) + 1}丁目{(serial * 7) % 20 + 1}-{(serial * 3) % 15 + 1}"
                    location = Location.objects.create(
                        municipality=municipality, organization=org, demo_key=key,
                        name=f"{area.name}{['公民館', '集会所', 'コミュニティセンター', '商店街', '地域交流館'][(serial + k) % 5]}",
                        address=f"{municipality.name}{area.name}{house}", postal_code=f"192-{(serial * 37) % 10000:04d}",
                        lat=round(area.center_lat + dlat, 6), lon=round(area.center_lon + dlon, 6),
                        accessibility=["段差なし・車いす可", "2階（エレベーターあり）", "入口に段差あり", ""][serial % 4],
                    )
                    service = Service(
                        municipality=municipality, organization=org, location=location, area=area,
                        demo_key=key, name=f"{area.name} {base_name}", name_kana=kana, category=category.value,
                        description=f"{area.name}で開く「{base_name}」です（架空のデモデータ）。どなたでもお気軽にどうぞ。",
                        targets="|" + "|".join(targets) + "|", tags="|" + "|".join(tags) + "|",
                        cost=cost, cost_amount=None if cost == Cost.FREE else (amount if cost == Cost.YEN else amount // 100 or 1),
                        capacity=capacity if category in SESSIONS else None,
                        contact_name=org.name, contact_phone=org.phone, visibility=visibility,
                        status=Status.PUBLISHED, last_verified_at=now - timedelta(days=age_days),
                        verified_by=verifier.get(area.pk) or (fallback.user if fallback else None),
                    )
                    service.search_text = build_search_text(service)
                    service.save()
                    ChangeRecord.objects.create(municipality=municipality, service=service,
                                                action=ChangeRecord.Action.CREATE, changes={"demo": ["", key]})
                    created["services"] += 1
                    if category in SESSIONS or category == Category.MEALS:
                        opens, closes = slot
                        Schedule.objects.create(service=service, weekday=weekday, opens_at=opens, closes_at=closes,
                                                week_of_month=(k % 4) + 1 if monthly else None,
                                                closed_on_holidays=category != Category.MOBILE_SALES)
                        created["schedules"] += 1
                        if category in (Category.EXERCISE, Category.MEALS) and extra_weekday != weekday:
                            Schedule.objects.create(service=service, weekday=extra_weekday, opens_at=opens,
                                                    closes_at=closes)
                            created["schedules"] += 1
                    elif category in (Category.REST, Category.COOPERATING_STORE, Category.CARE_PROVIDER):
                        for day in range(6):
                            Schedule.objects.create(service=service, weekday=day, opens_at=time(9, 0),
                                                    closes_at=time(17, 0), closed_on_holidays=True)
                            created["schedules"] += 1
        # A few drafts (not yet published) in the first area.
        if areas:
            for d in range(3):
                key = f"draft:{d}"
                if Service.objects.filter(municipality=municipality, demo_key=key).exists():
                    continue
                service = Service(municipality=municipality, organization=orgs[2], area=areas[0], demo_key=key,
                                  name=f"準備中の体操教室 {d + 1}", name_kana="じゅんびちゅう",
                                  category=Category.EXERCISE, status=Status.DRAFT)
                service.search_text = build_search_text(service)
                service.save()
                created["services"] += 1
    return created
