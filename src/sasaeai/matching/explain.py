"""Human-readable explanation of a Candidate (「2.1 km・前回も担当・評価 4.8」).

Japanese and English are hard-coded here because the engine is Django-free; the web layer may
render `Candidate.reasons` with its own gettext catalogue instead.
"""

from __future__ import annotations

from .model import Candidate, Rejection

LANGUAGE_NAMES = {
    "ja": {"ja": "日本語", "en": "英語", "zh": "中国語", "ko": "韓国語", "vi": "ベトナム語",
           "pt": "ポルトガル語", "tl": "タガログ語", "ne": "ネパール語", "es": "スペイン語",
           "jsl": "手話"},
    "en": {"ja": "Japanese", "en": "English", "zh": "Chinese", "ko": "Korean",
           "vi": "Vietnamese", "pt": "Portuguese", "tl": "Tagalog", "ne": "Nepali",
           "es": "Spanish", "jsl": "sign language"},
}
GENDER_NAMES = {
    "ja": {"female": "女性", "male": "男性", "other": "その他"},
    "en": {"female": "female", "male": "male", "other": "other"},
}
SEPARATOR = {"ja": "・", "en": " · "}

REJECTION_TEXT = {
    "ja": {
        "inactive": "活動休止中", "not_verified": "本人確認が未完了", "missing_skill": "対応分野外",
        "missing_qualification": "必要な資格がない", "blocked": "ブロック関係",
        "out_of_radius": "活動範囲外", "unavailable": "その時間は対応不可",
        "weekly_cap": "週の上限時間を超える", "overlap": "他の予定と重なる",
        "travel_time": "前後の予定との移動時間が足りない",
    },
    "en": {
        "inactive": "inactive", "not_verified": "identity not verified",
        "missing_skill": "does not offer this kind of help",
        "missing_qualification": "lacks a required qualification", "blocked": "blocked",
        "out_of_radius": "outside service radius", "unavailable": "not available then",
        "weekly_cap": "weekly hours cap reached", "overlap": "overlaps another booking",
        "travel_time": "not enough travel time between bookings",
    },
}


def _lang(lang: str) -> str:
    return "en" if lang.startswith("en") else "ja"


def explain(candidate: Candidate, lang: str = "ja") -> str:
    """One line: distance, continuity, rating, then preferences and fairness when relevant."""
    lang = _lang(lang)
    ja = lang == "ja"
    parts: list[str] = []
    for r in candidate.reasons:
        code, v = r.code, r.value
        if code == "distance_km":
            parts.append(f"{v:.1f} km")
        elif code == "continuity":
            parts.append("前回も担当" if ja else "helped last time")
        elif code == "continuity_earlier":
            parts.append("以前に担当" if ja else "helped before")
        elif code == "rating":
            parts.append(f"評価 {v:.1f}" if ja else f"rated {v:.1f}")
        elif code == "new_helper":
            parts.append("新しい担い手" if ja else "new helper")
        elif code == "language":
            name = LANGUAGE_NAMES[lang].get(v, v)
            parts.append(f"{name}で対応可" if ja else f"speaks {name}")
        elif code == "language_mismatch":
            parts.append("希望の言語に非対応" if ja else "preferred language not spoken")
        elif code == "gender":
            parts.append("希望の性別" if ja else "preferred gender")
        elif code == "gender_mismatch":
            parts.append("希望の性別と異なる" if ja else "not the preferred gender")
        elif code == "load" and v:
            parts.append(f"最近の担当 {v} 件" if ja else f"{v} recent jobs")
    return SEPARATOR[lang].join(parts)


def explain_rejection(rejection: Rejection, lang: str = "ja") -> str:
    lang = _lang(lang)
    texts = REJECTION_TEXT[lang]
    return SEPARATOR[lang].join(texts.get(c, c) for c in rejection.codes)
