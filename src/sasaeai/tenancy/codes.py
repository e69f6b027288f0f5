"""全国地方公共団体コード (local government codes) and prefectures.

A code is six digits: two for the prefecture, three for the municipality and a
check digit. The check digit is the last digit of 11 − (Σ dᵢ·wᵢ mod 11) with
weights 6, 5, 4, 3, 2 (総務省 告示).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PREFECTURES: list[tuple[str, str]] = [
    ("01", "北海道"), ("02", "青森県"), ("03", "岩手県"), ("04", "宮城県"), ("05", "秋田県"),
    ("06", "山形県"), ("07", "福島県"), ("08", "茨城県"), ("09", "栃木県"), ("10", "群馬県"),
    ("11", "埼玉県"), ("12", "千葉県"), ("13", "東京都"), ("14", "神奈川県"), ("15", "新潟県"),
    ("16", "富山県"), ("17", "石川県"), ("18", "福井県"), ("19", "山梨県"), ("20", "長野県"),
    ("21", "岐阜県"), ("22", "静岡県"), ("23", "愛知県"), ("24", "三重県"), ("25", "滋賀県"),
    ("26", "京都府"), ("27", "大阪府"), ("28", "兵庫県"), ("29", "奈良県"), ("30", "和歌山県"),
    ("31", "鳥取県"), ("32", "島根県"), ("33", "岡山県"), ("34", "広島県"), ("35", "山口県"),
    ("36", "徳島県"), ("37", "香川県"), ("38", "愛媛県"), ("39", "高知県"), ("40", "福岡県"),
    ("41", "佐賀県"), ("42", "長崎県"), ("43", "熊本県"), ("44", "大分県"), ("45", "宮崎県"),
    ("46", "鹿児島県"), ("47", "沖縄県"),
]
PREFECTURE_CODES = {code for code, _name in PREFECTURES}


def check_digit(first_five: str) -> int:
    """The check digit for the first five digits of a local government code."""
    total = sum(int(d) * w for d, w in zip(first_five, (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10


def with_check_digit(first_five: str) -> str:
    return f"{first_five}{check_digit(first_five)}"


def validate_municipality_code(value: str) -> None:
    """Refuse anything but six digits with a correct check digit and a real prefecture."""
    if not isinstance(value, str) or len(value) != 6 or not value.isascii() or not value.isdigit():
        raise ValidationError(
            _("A local government code has exactly six digits (e.g. 131016)."),
            code="municipality_code_format",
        )
    if value[:2] not in PREFECTURE_CODES:
        raise ValidationError(
            _("The first two digits must be a prefecture code from 01 to 47."),
            code="municipality_code_prefecture",
        )
    if int(value[5]) != check_digit(value[:5]):
        raise ValidationError(
            _("The check digit (the sixth digit) is wrong: please check the code."),
            code="municipality_code_check_digit",
        )
