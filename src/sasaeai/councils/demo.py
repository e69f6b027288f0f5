"""Demo councils for the synthetic town: a layer-1 council and one per layer-2 area (the first
registered as an existing gathering), members mixed as the SC survey's Q16 shares say, a year of
meetings with minutes and public summaries (council meetings, community care meetings, SC
training, SC network and multi-agency meetings), issues in every state — some resolved by a new
resource of the directory — action plans and two policy proposals. Deterministic for the
town's seed; a second call adds nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from . import services
from .models import Affiliation, Council, IssueState, MeetingKind

#: Q16 (Figure 7, SC respondents): share of layer-2 councils with a member of that affiliation, %.
Q16_SHARES = {1: 24.1, 2: 44.0, 3: 40.4, 4: 25.2, 5: 33.0, 6: 20.3, 7: 36.8, 8: 22.8, 9: 3.6, 10: 5.8,
              11: 2.5, 12: 2.2, 13: 3.6, 14: 3.6, 15: 11.6, 17: 14.3}
MEMBER_NAMES = {
    1: "市 高齢福祉課", 2: "地域包括支援センター", 3: "市社会福祉協議会", 4: "地区社会福祉協議会", 5: "自治会",
    6: "ボランティアの会", 7: "民生委員", 8: "老人クラブ", 9: "医師会", 10: "ケアマネジャー連絡会", 11: "生活協同組合",
    12: "シルバー人材センター", 13: "消防団", 14: "商店会", 15: "住民代表", 17: "こども食堂",
}
ISSUES = [
    ("買い物に行けない高齢者が増えている", "needs", "坂の上の団地で買い物の相談が続いている（12件）。"),
    ("ゴミ出しが難しい一人暮らし", "needs", "集積所まで運べない相談が8件。"),
    ("男性の通いの場が少ない", "member", ""),
    ("通院の足がない", "needs", "バス減便後、通院の相談が10件。"),
    ("認知症の方の見守りの担い手不足", "case_review", ""),
    ("集会所の段差で来られない人がいる", "member", ""),
]
RESOLUTIONS = ["new_resource", "partner", "help_arrangement", "adapted_resource"]


def _fiscal_year_start(today: dt.date) -> dt.date:
    return dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)


def _at(day: dt.date, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _minutes(council: Council, n: int, items: list[str]) -> tuple[str, str, str]:
    listed = "、".join(items) or "近況報告"
    internal = (f"第{n}回{council.name}。議題：{listed}。\n包括から個別相談の傾向（匿名）を報告。"
                f"委員から地区の様子について意見交換。次回までに担当者が調査する。")
    public = f"{council.name}の第{n}回会議を開きました。{listed}について話し合いました。"
    decisions = "担当者を決めて次回までに状況を調べる。"
    return internal, public, decisions


def seed(town) -> dict[str, int]:
    m = town.municipality
    if Council.objects.filter(municipality=m, demo_key__isnull=False).exists():
        return {"councils": 0}
    with transaction.atomic():
        return _seed(town)


def _seed(town) -> dict[str, int]:
    from sasaeai.accounts.models import User
    from sasaeai.demo.generator import demo_email
    from sasaeai.directory.models import Service

    m, rng = town.municipality, town.rng("councils")
    today = timezone.localdate()
    fy = _fiscal_year_start(today)
    year_ago = today - dt.timedelta(days=365)
    term = dt.date(fy.year - 1, 4, 1)
    counts = {"councils": 0, "members": 0, "meetings": 0, "issues": 0, "proposals": 0}

    layer1 = m.layer1_area
    top = services.council_create(by=None, area=layer1, name=f"{m.name}生活支援体制整備推進協議体（第1層）",
                                  established_on=dt.date(2016, 4, 1), demo_key=f"{m.code}:c0")
    councils = [top]
    for i, area in enumerate(town.areas):
        existing = i == 0
        councils.append(services.council_create(
            by=None, area=area, name=f"{area.name}支え合い協議体", is_existing_gathering=existing,
            gathering_note="地区社協の定例会を協議体として登録" if existing else "",
            established_on=dt.date(2017 + i % 4, 4, 1), demo_key=f"{m.code}:c{i + 1}"))
    counts["councils"] = len(councils)

    seats = {}
    for ci, council in enumerate(councils):
        members = []
        for code, share in Q16_SHARES.items():
            # The layer-1 council gathers the municipality-wide bodies; layer-2 councils follow Q16.
            wanted = rng.random() * 100 < (share * 1.6 if ci else (80 if code in (1, 2, 3, 9, 11, 14) else share))
            if not wanted and code not in (2, 5, 7):  # every council has 包括, 自治会 and 民生委員
                continue
            n = rng.choice((1, 2, 2, 3)) if code in (5, 7, 8, 15) and ci else 1
            for k in range(n):
                members.append((code, f"{council.area.name if ci else m.name} {MEMBER_NAMES[code]}"
                                + (f"（{k + 1}）" if n > 1 else "")))
        for j, (code, name) in enumerate(members):
            role = "chair" if j == 0 else "vice_chair" if j == 1 else "observer" if code == 13 else "member"
            services.member_add(by=None, council=council, name=name, affiliation=code, role=role,
                                term_start=term, organisation=MEMBER_NAMES[code],
                                demo_key=f"{council.demo_key}:m{j}")
            counts["members"] += 1
        # One member left last year and was replaced (a rotation on the list).
        leaving = council.members.filter(role="member").order_by("pk").first()
        if leaving is not None:
            services.member_end_term(by=None, member=leaving, on=fy - dt.timedelta(days=1))
    for i in range(2):
        user = User.objects.filter(email=demo_email(town.scale, f"council-{i + 1}")).first()
        if user is None or not town.areas:
            continue
        council = councils[1 + i % len(town.areas)]
        seats[i] = services.member_add(by=None, council=council, name=user.display_name, affiliation=Affiliation.INDIVIDUAL,
                                       term_start=term, user=user, demo_key=f"{council.demo_key}:seat{i}")
        counts["members"] += 1

    # Meetings of the past year (with minutes) and one upcoming per council.
    def meeting(council, kind, title, day, n, items=()):
        issues = [i.pk for i in items]
        mt = services.meeting_create(by=None, council=council, kind=kind, title=title, starts_at=_at(day),
                                     ends_at=_at(day, 16), place=f"{council.area.name}地区センター 会議室",
                                     issue_ids=issues, demo_key=f"{council.demo_key}:mt{kind}{n}")
        counts["meetings"] += 1
        if day <= today:
            internal, public, decisions = _minutes(council, n, [i.title for i in items])
            services.minutes_save(by=None, meeting=mt, internal_minutes=internal, public_summary=public,
                                  decisions=decisions)
            seated = {x.pk: rng.random() < 0.85 for x in council.members.all() if x.in_term(day)}
            services.attendance_record(by=None, meeting=mt, members=seated,
                                       guests=[("社協 生活支援コーディネーター", "社会福祉協議会")])
        return mt

    for ci, council in enumerate(councils[1:], start=1):
        picked = [ISSUES[(ci + k) % len(ISSUES)] for k in range(4)]
        issues = []
        for k, (title, source, needs) in enumerate(picked):
            review = None
            if source == "case_review":
                review = meeting(council, MeetingKind.CASE_REVIEW, "地域ケア会議（個別ケース検討）",
                                 year_ago + dt.timedelta(days=20 + 7 * ci), 1)
            issue = services.issue_raise(by=None, council=council, title=title, source=source, needs_summary=needs,
                                         summary=f"{council.area.name}で挙がった課題。", meeting=review,
                                         member=seats.get(0) if source == "member" and seats.get(0) and
                                         seats[0].council_id == council.pk else None,
                                         demo_key=f"{council.demo_key}:i{k}")
            issues.append(issue)
            counts["issues"] += 1
        for n in range(6):
            day = year_ago + dt.timedelta(days=30 + 60 * n + ci)
            open_ones = [i for i in issues if i.state in (IssueState.RAISED, IssueState.ON_AGENDA)]
            meeting(council, MeetingKind.COUNCIL, f"第{n + 1}回 {council.name}", day, n + 1,
                    open_ones[:2] if n < 3 else [])
            for i in issues:
                i.refresh_from_db()
        meeting(council, MeetingKind.COUNCIL, f"第7回 {council.name}", today + dt.timedelta(days=7 + ci), 7)
        # States: the first issue resolved (by a new resource when the area has one), the second
        # under an action plan, the third escalated or still on the agenda, the fourth raised.
        first, second, third = issues[0], issues[1], issues[2]
        if first.state == IssueState.RAISED:
            services.issue_move(by=None, issue=first, state=IssueState.ON_AGENDA)
        if ci % 3 != 0:  # not every layer-2 council resolves one: a believable unmet target
            kind = RESOLUTIONS[ci % len(RESOLUTIONS)]
            service = Service.objects.filter(municipality=m, area=council.area, status="published").order_by("pk").first()
            if kind in ("new_resource", "adapted_resource") and service is None:
                kind = "partner"
            services.issue_resolve(by=None, issue=first, kind=kind,
                                   service=service if kind in ("new_resource", "adapted_resource") else None,
                                   on=max(fy, today - dt.timedelta(days=40 + ci)),
                                   note="協議体で話し合い、地域の協力で解決した。")
        parent = services.action_add(by=None, issue=second, title="実態を調べる", owner="第2層SC",
                                     due_on=today + dt.timedelta(days=30))
        a = services.action_add(by=None, issue=second, title="住民アンケート", owner="自治会", parent=parent)
        b = services.action_add(by=None, issue=second, title="事業者への聞き取り", owner="第2層SC", parent=parent)
        services.action_update(by=None, action=a, note="回収60%", progress=60, on=today - dt.timedelta(days=20))
        services.action_update(by=None, action=b, note="2社に聞き取り", progress=40, on=today - dt.timedelta(days=10))
        services.action_add(by=None, issue=second, title="協議体で対策を決める", owner="会長",
                            due_on=today + dt.timedelta(days=60))
        if third.is_open and ci % 2 == 0:
            services.issue_move(by=None, issue=third, state=IssueState.ESCALATED)

    # Layer 1: quarterly council meetings, SC training, SC network and multi-agency meetings.
    for n in range(4):
        meeting(top, MeetingKind.COUNCIL, f"第{n + 1}回 第1層協議体", fy + dt.timedelta(days=20 + 90 * n), n + 1)
    for n, kind, title, every in ((5, MeetingKind.SC_TRAINING, "SC研修", 70), (5, MeetingKind.SC_NETWORK, "SC連絡会", 60),
                                  (4, MeetingKind.MULTI_AGENCY, "多機関合同研修", 85)):
        for k in range(n):
            day = fy + dt.timedelta(days=10 + every * k)
            meeting(top, kind, f"{title}（第{k + 1}回）", day if day <= today else day - dt.timedelta(days=365), k + 1)
    meeting(top, MeetingKind.AREA_CARE, "地域ケア推進会議（地域課題）", fy + dt.timedelta(days=100), 1)

    # Two proposals from the layer-1 council, from escalated issues.
    raised_top = list(top.issues.filter(state=IssueState.RAISED).order_by("pk"))
    p1 = services.proposal_submit(by=None, council=top, title="移動支援の仕組みづくり",
                                  text="地区を越えた移動支援（乗合・付き添い）を市の事業として位置づけること。",
                                  addressee=f"{m.name}長", submitted_on=max(fy, today - dt.timedelta(days=120)),
                                  issues=raised_top[:1], demo_key=f"{m.code}:p1")
    services.proposal_decide(by=None, proposal=p1, status="reflected", plan="第9期介護保険事業計画",
                             decided_on=max(fy, today - dt.timedelta(days=30)))
    services.proposal_submit(by=None, council=top, title="男性の居場所づくりへの補助",
                             text="男性が参加しやすい通いの場の立ち上げを補助すること。", addressee="高齢福祉課",
                             submitted_on=max(fy, today - dt.timedelta(days=15)), issues=raised_top[1:2],
                             demo_key=f"{m.code}:p2")
    counts["proposals"] = 2
    return counts

