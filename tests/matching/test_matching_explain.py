"""Explanations (「2.1 km・前回も担当・評価 4.8」)."""

from sasaeai.matching import Candidate, Reason, explain, explain_rejection, rank
from sasaeai.matching.explain import REJECTION_TEXT
from sasaeai.matching.factories import HOME, make_helper, make_task, offset
from sasaeai.matching.model import REJECTION_CODES, Rejection


def test_issue_example_in_both_languages():
    h = make_helper(home=offset(HOME, 2.1), rating=4.8, rating_count=12)
    t = make_task(place=HOME, previous_helper_ids=(h.id,))
    [c], _ = rank(t, [h])
    assert c.reason("distance_km") == 2.1
    assert c.reason("continuity") is True
    assert c.reason("rating") == 4.8
    assert explain(c) == "2.1 km・前回も担当・評価 4.8"
    assert explain(c, "en") == "2.1 km · helped last time · rated 4.8"


def test_preferences_new_helper_and_load():
    h = make_helper(home=HOME, gender="female", languages=frozenset({"ja", "en"}),
                    recent_assignments=3)
    t = make_task(place=HOME, preferred_gender="female", preferred_languages=frozenset({"en"}))
    [c], _ = rank(t, [h])
    assert explain(c) == "0.0 km・新しい担い手・英語で対応可・希望の性別・最近の担当 3 件"
    assert explain(c, "en-gb") == (
        "0.0 km · new helper · speaks English · preferred gender · 3 recent jobs"
    )


def test_mismatch_reasons_are_explained():
    h = make_helper(home=HOME, gender="male")
    t = make_task(place=HOME, preferred_gender="female", preferred_languages=frozenset({"vi"}))
    [c], _ = rank(t, [h])
    assert c.reason("gender_mismatch") == "female"
    assert c.reason("language_mismatch") == "vi"
    assert "希望の性別と異なる" in explain(c)
    assert "希望の言語に非対応" in explain(c)


def test_structured_reasons_survive_without_engine_text():
    c = Candidate(1, 2, 0.5, 0.5, 3.0, (Reason("distance_km", 0.5), Reason("continuity_earlier")))
    assert explain(c) == "0.5 km・以前に担当"


def test_every_rejection_code_has_text():
    for lang in ("ja", "en"):
        assert set(REJECTION_TEXT[lang]) == set(REJECTION_CODES)
    assert explain_rejection(Rejection(1, ("out_of_radius", "weekly_cap"))) == (
        "活動範囲外・週の上限時間を超える"
    )
