"""Bad input gives a clear error and changes nothing: coordinates outside Japan, a schedule
that ends before it starts, imports with missing columns or the wrong encoding, HTML/script
in a suggestion, a 10 MB text field."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from sasaeai.directory import services, template
from sasaeai.directory.models import ChangeRecord, Location, Service, Suggestion, validate_in_japan
from sasaeai.directory.textnorm import contains_markup
from sasaeai.tenancy.models import Role

TEN_MB = "あ" * (10 * 1024 * 1024 // 3)


def counts():
    return (Service.objects.count(), Location.objects.count(), Suggestion.objects.count(),
            ChangeRecord.objects.count())


@pytest.mark.parametrize("lat,lon", [(48.85, 2.35), (-33.9, 151.2), (35.6, 100.0), (0, 0), (35.68, 160.0)])
def test_coordinates_outside_japan(small_dir, lat, lon):
    before = counts()
    with pytest.raises(ValidationError) as info:
        small_dir["make"]("パリのサロン", lat=lat, lon=lon)
    assert "outside Japan" in str(info.value) or "日本" in str(info.value)
    assert counts() == before


def test_schedule_ending_before_it_starts(small_dir):
    before = counts()
    with pytest.raises(ValidationError) as info:
        small_dir["make"]("逆さまの時間", schedules=[{"kind": "weekly", "weekday": 0, "opens_at": time(15),
                                                   "closes_at": time(10)}])
    assert "closes_at" in str(info.value)
    with pytest.raises(ValidationError):
        small_dir["make"]("逆さまの期間", schedules=[{"kind": "weekly", "weekday": 0, "opens_at": time(10),
                                                   "closes_at": time(11), "valid_from": date(2026, 5, 1),
                                                   "valid_to": date(2026, 4, 1)}])
    assert counts() == before


def test_editing_with_a_bad_schedule_changes_nothing(small_dir):
    service = small_dir["public"]
    before = (service.name, list(service.schedules.values_list("opens_at", "closes_at")), counts())
    with pytest.raises(ValidationError):
        services.save_service(by=small_dir["coordinator"], municipality=small_dir["m"], service=service,
                              values={"name": "変えた名前"},
                              schedules=[{"kind": "weekly", "weekday": 0, "opens_at": time(12), "closes_at": time(9)}])
    service.refresh_from_db()
    assert (service.name, list(service.schedules.values_list("opens_at", "closes_at")), counts()) == before


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "楽しい<b>サロン</b>", "javascript:alert(1)",
    "＜script＞alert(1)＜/script＞", "&#60;script&#62;",
])
def test_html_or_script_in_a_suggestion(small_dir, make_user, text):
    resident = make_user(Role.RESIDENT, small_dir["m"])
    before = counts()
    with pytest.raises(ValidationError) as info:
        services.submit_suggestion(by=resident, municipality=small_dir["m"],
                                   proposed={"name": "新しいサロン", "category": "kayoi", "area": small_dir["a1"].pk,
                                             "description": text})
    assert info.value.error_dict["description"][0].code == "markup"
    assert counts() == before


def test_html_in_a_suggestion_over_http(small_dir, make_user, client_for):
    client = client_for(make_user(Role.RESIDENT, small_dir["m"]))
    before = counts()
    response = client.post("/directory/suggest/", {"m": small_dir["m"].pk, "name": "<script>x</script>",
                                                   "category": "kayoi", "area": small_dir["a1"].pk})
    assert response.status_code == 200
    assert "HTML" in response.content.decode()
    response = client.post("/api/v1/resource-suggestions", {
        "municipality": small_dir["m"].code, "proposed": {"name": "サロン", "category": "kayoi",
                                                          "area": small_dir["a1"].pk, "description": "<b>x</b>"}},
        content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "markup"
    assert counts() == before


def test_ten_megabyte_text_field(small_dir, make_user, client_for):
    before = counts()
    with pytest.raises(ValidationError) as info:
        small_dir["make"]("長すぎる説明", description=TEN_MB)
    assert info.value.error_dict["description"][0].code == "too_long"
    resident = make_user(Role.RESIDENT, small_dir["m"])
    with pytest.raises(ValidationError):
        services.submit_suggestion(by=resident, municipality=small_dir["m"], proposed={
            "name": "x", "category": "kayoi", "area": small_dir["a1"].pk, "description": TEN_MB})
    # Over HTTP the request is refused before it is read into memory.
    response = client_for(resident).post("/directory/suggest/", {"m": small_dir["m"].pk, "name": "x",
                                                                 "category": "kayoi", "area": small_dir["a1"].pk,
                                                                 "description": TEN_MB})
    assert response.status_code == 413  # too large, answered with a page (issue 10 §3)
    assert counts() == before


def test_import_with_missing_columns(small_dir):
    data = "名称,説明\nサロン,楽しい\n".encode()
    rows, errors = template.read_rows(data, "x.csv")
    assert {(e.row, e.column) for e in errors} >= {(1, "分類"), (1, "地区")}
    before = counts()
    result = template.import_rows(small_dir["m"], rows, prior_errors=errors)
    assert not result.written and counts() == before


def test_import_with_the_wrong_encoding(small_dir):
    text = "名称,分類,地区\nサロン,通いの場・サロン,地区1\n"
    with pytest.raises(ValidationError) as info:
        template.decode(text.encode("utf-16"), "utf-8")
    assert info.value.code == "bad_encoding"
    # Shift_JIS declared as UTF-8 is refused; auto-detection reads it.
    with pytest.raises(ValidationError):
        template.decode(text.encode("cp932"), "utf-8")
    assert template.decode(text.encode("cp932"), "auto") == text
    # EUC-JP bytes decode as neither, or as mojibake without the columns: an error either way.
    before = counts()
    try:
        rows, errors = template.read_rows(text.encode("euc_jp"), "x.csv")
    except ValidationError as exc:
        assert exc.code == "bad_encoding"
    else:
        assert errors and any("encoding" in e.reason or "Required" in e.reason for e in errors)
        assert not template.import_rows(small_dir["m"], rows, prior_errors=errors).written
    assert counts() == before


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-90, max_value=90),
       st.floats(allow_nan=False, allow_infinity=False, min_value=-180, max_value=180))
@settings(max_examples=200, deadline=None)
def test_japan_check_property(lat, lon):
    inside = 20.0 <= lat <= 46.0 and 122.0 <= lon <= 154.5
    try:
        validate_in_japan(lat, lon)
        assert inside
    except ValidationError:
        assert not inside


@pytest.mark.parametrize("text", [
    "a < b & c > d", "3<5 で 5>3", "<3", "矢印 -> と <-", "A&B商店", "価格は 1000円 < x < 2000円",
    "a &lt; b", "メール: a@b.example", "1 < 2 > 0", "<<大事>>", "サロン（10時〜12時）& 体操",
])
def test_ordinary_text_with_angle_brackets_is_not_markup(text):
    """Older users' ordinary text is never refused (issue 10 §9); pages escape it on output."""
    assert not contains_markup(text)


@given(st.lists(st.sampled_from(["a", "b", "体操", " ", "<", ">", "&", "1", "=", "-", "。"]), max_size=30))
@settings(max_examples=300, deadline=None)
def test_brackets_not_followed_by_a_tag_name_are_never_markup(parts):
    text = "".join(parts)
    import re as _re

    if not _re.search(r"<[/!?]?[a-zA-Z体]", text):
        assert not contains_markup(text)


def test_ordinary_text_is_accepted_in_a_suggestion(small_dir, make_user):
    resident = make_user(Role.RESIDENT, small_dir["m"])
    suggestion = services.submit_suggestion(by=resident, municipality=small_dir["m"], proposed={
        "name": "新しいサロン", "category": "kayoi", "area": small_dir["a1"].pk, "description": "a < b & c > d"})
    assert suggestion.proposed["description"] == "a < b & c > d"


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_plain_text_without_angle_brackets_is_never_markup(text):
    if "<" not in text and "＜" not in text and "﹤" not in text and "&#" not in text and "javascript:" not in text.lower():
        import unicodedata

        normalized = unicodedata.normalize("NFKC", text)
        if "<" not in normalized and "&#" not in normalized and "javascript:" not in normalized.lower():
            assert not contains_markup(text)
