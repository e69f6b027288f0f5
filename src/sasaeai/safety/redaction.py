"""Redaction of personal data in log records (a logging.Filter for every handler).

The application must never log names, addresses, phones or notes; this filter is the
second line: it rewrites messages and tracebacks, replacing email addresses, Japanese and
international phone numbers, postal codes and address-like strings."""

from __future__ import annotations

import logging
import re

PATTERNS = [
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<![\w])(\+81[-\s]?|0)\d{1,4}[-\s(]?\d{1,4}[-\s)]?\d{3,4}(?![\w])"), "[phone]"),
    (re.compile(r"〒?\s?\d{3}-\d{4}"), "[postal]"),
    (re.compile(r"(東京都|北海道|(?:京都|大阪)府|.{2,3}県)?[^\s,;:'\"]{1,8}[市区町村郡][^\s,;'\"]{0,20}\d+(?:[-－ー丁目番地号]\d*)*"),
     "[address]"),
]


def redact(text: str) -> str:
    for pattern, replacement in PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not lose the record
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
