"""Japanese text normalisation for search (検索用の正規化).

Full-width/half-width differences are folded with NFKC (ｶﾀｶﾅ → カタカナ, ＡＢＣ → abc,
１２３ → 123), katakana become hiragana (タイソウ → たいそう) and case and whitespace are
dropped, so 「体操」「ﾀｲｿｳ」「たいそう」 compare as their stored forms do.
"""

import html
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


#: What is really markup: an HTML tag (`<` directly followed by a tag name and closed by `>`), an
#: opening tag with an attribute even when unclosed (`<img src=x onerror=…`), a comment, CDATA or
#: processing instruction, or a script URL. Plain text with `<`, `>` and `&` (「a < b & c > d」,
#: 「<3」, 「A&B商店」) is not: pages escape everything on output, so it is shown as typed.
_TAG = re.compile(
    r"</?[a-z][\w:-]*(?:\s[^<>]*)?/?>"
    r"|<[a-z][\w:-]*\s+[\w:-]+\s*="
    r"|<!--|<!\[cdata\[|<\?[a-z]"
    r"|\b(?:javascript|vbscript)\s*:",
    re.IGNORECASE,
)


def contains_markup(text: str | None) -> bool:
    """True when the text is really HTML or script: a tag, an attribute, a comment or a script URL,
    also when written with full-width brackets or character references (「&#60;script&#62;」)."""
    if not text:
        return False
    plain = html.unescape(unicodedata.normalize("NFKC", str(text)))
    return bool(_TAG.search(unicodedata.normalize("NFKC", plain)))
