"""Japanese text normalisation for search (検索用の正規化).

Full-width/half-width differences are folded with NFKC (ｶﾀｶﾅ → カタカナ, ＡＢＣ → abc,
１２３ → 123), katakana become hiragana (タイソウ → たいそう) and case and whitespace are
dropped, so 「体操」「ﾀｲｿｳ」「たいそう」 compare as their stored forms do.
"""

import re
import unicodedata

import jaconv

_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def normalize(text: str | None) -> str:
    """The searchable form of `text`: NFKC, katakana → hiragana, lower case, no spaces."""
    if not text:
        return ""
    value = unicodedata.normalize("NFKC", _CONTROL.sub(" ", str(text)))
    value = jaconv.kata2hira(value)
    # The prolonged-sound mark and wave dash vary between inputs; fold them to one form.
    value = value.replace("〜", "~").replace("～", "~")
    # Lower-casing can leave a decomposed sequence; compose again so the result is stable.
    return unicodedata.normalize("NFKC", _SPACE.sub("", value.lower()))


def terms(query: str | None) -> list[str]:
    """Search terms of a query: split on any (full- or half-width) space, then normalised."""
    if not query:
        return []
    parts = _SPACE.split(unicodedata.normalize("NFKC", _CONTROL.sub(" ", str(query))).strip())
    return [t for t in (normalize(p) for p in parts) if t][:8]


_TAG = re.compile(r"<\s*[a-zA-Z!/?]|&#|javascript:", re.IGNORECASE)


def contains_markup(text: str | None) -> bool:
    """True when the text looks like HTML or script (a tag, a character reference, a js: URL)."""
    return bool(text) and bool(_TAG.search(unicodedata.normalize("NFKC", str(text))))
