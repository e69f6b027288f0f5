"""Search filters through the API, Japanese-tolerant keywords, distance ordering, open-at
evaluation with Japanese holidays, pagination."""

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from sasaeai.directory.models import Category, Cost
from sasaeai.directory.schedules import is_open
from sasaeai.directory.selectors import SearchParams, haversine_km, search

TOKYO = ZoneInfo("Asia/Tokyo")
URL = "/api/v1/resources"


def names(response):
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


@pytest.mark.parametrize("query", ["体操", "たいそう", "タイソウ", "ﾀｲｿｳ", "  体操　いきいき "])
def test_keyword_is_kana_and_width_tolerant(small_dir, query):
    small_dir["make"]("タイソウ教室", name_kana="たいそうきょうしつ", category=Category.HOBBY)
    found = names(Client().get(URL, {"q": query}))
    assert "いきいき体操" in found


def test_fullwidth_latin_matches(small_dir):
    small_dir["make"]("ＳＭＡＲＴフォン教室", category=Category.HOBBY)
    assert names(Client().get(URL, {"q": "smart"})) == ["ＳＭＡＲＴフォン教室"]


def test_category_area_target_cost_filters(small_dir):
    make = small_dir["make"]
    make("買い物便", category=Category.SHOPPING, area=small_dir["a2"], cost=Cost.YEN, cost_amount=300,
         targets=["support"])
    c = Client()
    assert names(c.get(URL, {"category": "shopping"})) == ["買い物便"]
    assert names(c.get(URL, {"area": small_dir["a2"].pk})) == ["買い物便"]
    assert names(c.get(URL, {"target": "support"})) == ["買い物便"]
    assert names(c.get(URL, {"target": "frail"})) == ["いきいき体操"]
    assert names(c.get(URL, {"cost": "yen"})) == ["買い物便"]
    assert sorted(names(c.get(URL, {"cost": "free"}))) == ["いきいき体操"]
    assert c.get(URL, {"category": "nonsense"}).status_code == 422


def test_near_sorts_by_distance_and_limits_radius(small_dir):
    make, a1 = small_dir["make"], small_dir["a1"]
    lat, lon = a1.center_lat, a1.center_lon
    make("遠いサロン", category=Category.KAYOI, lat=lat + 0.03, lon=lon)      # ≈ 3.3 km
    make("近いサロン", category=Category.KAYOI, lat=lat + 0.005, lon=lon)     # ≈ 0.56 km
    make("とても遠いサロン", category=Category.KAYOI, lat=lat + 0.2, lon=lon)  # ≈ 22 km
    r = Client().get(URL, {"near": f"{lat},{lon}", "radius_km": 5, "category": "kayoi"})
    items = r.json()["items"]
    assert [i["name"] for i in items] == ["近いサロン", "遠いサロン"]
    assert items[0]["distance_km"] == pytest.approx(0.556, abs=0.01)
    assert items[1]["distance_km"] == pytest.approx(3.336, abs=0.02)
    assert all(i["distance_km"] <= 5 for i in items)
    without = Client().get(URL, {"category": "kayoi"}).json()["items"]
    assert all(i["distance_km"] is None for i in without)


def test_near_outside_japan_is_refused(small_dir):
    r = Client().get(URL, {"near": "48.85,2.35"})
    assert r.status_code == 422 and r.json()["code"] == "outside_japan"
    assert Client().get(URL, {"near": "abc"}).status_code == 422


def test_open_at_uses_tokyo_time_and_holidays(small_dir):
    # いきいき体操: Tuesdays 10:00–11:30, closed on public holidays.
    c = Client()
    tue = datetime(2026, 11, 17, 10, 30, tzinfo=TOKYO)
    assert "いきいき体操" in names(c.get(URL, {"open_at": tue.isoformat()}))
    # The same instant written in UTC.
    assert "いきいき体操" in names(c.get(URL, {"open_at": "2026-11-17T01:30:00Z"}))
    assert "いきいき体操" not in names(c.get(URL, {"open_at": "2026-11-17T12:00:00+09:00"}))
    assert "いきいき体操" not in names(c.get(URL, {"open_at": "2026-11-18T10:30:00+09:00"}))
    # 2026-11-03 (Tue) is 文化の日, a public holiday.
    assert "いきいき体操" not in names(c.get(URL, {"open_at": "2026-11-03T10:30:00+09:00"}))


def test_open_at_python_and_sql_agree(small_dir):
    service = small_dir["public"]
    schedule = service.schedules.get()
    for day in range(1, 31):
        for hour in (9, 10, 11, 12):
            when = datetime(2026, 11, day, hour, 15, tzinfo=TOKYO)
            in_sql = search(None, SearchParams(open_at=when)).filter(pk=service.pk).exists()
            assert in_sql == is_open(schedule, when), when


def test_monthly_and_one_off_schedules(small_dir):
    from datetime import date

    make = small_dir["make"]
    make("第2水曜サロン", category=Category.KAYOI,
         schedules=[{"kind": "weekly", "weekday": 2, "week_of_month": 2, "opens_at": time(13), "closes_at": time(15)}])
    make("秋祭り", category=Category.MULTIGEN,
         schedules=[{"kind": "once", "date": date(2026, 11, 23), "opens_at": time(10), "closes_at": time(14),
                     "closed_on_holidays": False}])
    c = Client()
    assert "第2水曜サロン" in names(c.get(URL, {"open_at": "2026-11-11T14:00:00+09:00"}))
    assert "第2水曜サロン" not in names(c.get(URL, {"open_at": "2026-11-18T14:00:00+09:00"}))
    # 11/23 is 勤労感謝の日: a one-off event on a holiday still takes place.
    assert "秋祭り" in names(c.get(URL, {"open_at": "2026-11-23T11:00:00+09:00"}))


def test_pagination(small_dir):
    for i in range(25):
        small_dir["make"](f"サロン{i:02d}", category=Category.KAYOI)
    c = Client()
    first = c.get(URL, {"category": "kayoi", "page_size": 10}).json()
    third = c.get(URL, {"category": "kayoi", "page_size": 10, "page": 3}).json()
    assert first["count"] == 25 and len(first["items"]) == 10 and len(third["items"]) == 5
    all_names = {i["name"] for p in (1, 2, 3)
                 for i in c.get(URL, {"category": "kayoi", "page_size": 10, "page": p}).json()["items"]}
    assert len(all_names) == 25
    assert c.get(URL, {"page_size": 1000}).status_code == 422


def test_haversine_reference():
    # Tokyo Station → Shinjuku Station ≈ 6.1 km.
    assert haversine_km((35.6812, 139.7671), (35.6896, 139.7006)) == pytest.approx(6.07, abs=0.1)


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_normalize_is_idempotent_and_folds_kana_and_width(text):
    import jaconv

    from sasaeai.directory.textnorm import normalize

    once = normalize(text)
    assert normalize(once) == once
    assert normalize(jaconv.hira2kata(text)) == normalize(jaconv.kata2hira(text))
    assert "\x00" not in once and " " not in once


def test_control_characters_in_a_query_are_refused_at_the_edge(small_dir):
    r = Client().get(URL, {"q": "体操\x00\x1f"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_input" and "q" in r.json()["fields"]
