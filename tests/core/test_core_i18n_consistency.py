"""One msgid (with its context), one Japanese meaning: at run time Django merges every app's
catalogue into one, so two apps translating the same (context, msgid) differently means one of
them shows the wrong word (a review tag read 「種類」 where 「親切」 was meant)."""

from collections import defaultdict
from pathlib import Path

import polib
import pytest
from django.utils import translation

import sasaeai

PACKAGE = Path(sasaeai.__file__).parent
CATALOGUES = sorted(PACKAGE.glob("*/locale/ja/LC_MESSAGES/django.po"))


def _entries():
    for path in CATALOGUES:
        app = path.parts[-5]
        for entry in polib.pofile(str(path)):
            if not entry.obsolete and entry.msgstr and "fuzzy" not in entry.flags:
                yield app, entry


def test_no_two_catalogues_translate_one_msgid_differently():
    translations = defaultdict(dict)
    for app, entry in _entries():
        translations[(entry.msgctxt, entry.msgid)][app] = entry.msgstr
    clashes = {key: apps for key, apps in translations.items() if len(set(apps.values())) > 1}
    assert not clashes, (
        f"{len(clashes)} (context, msgid) pairs have different Japanese in different apps; give the "
        f"word a context with pgettext or use one translation: {dict(list(clashes.items())[:10])}"
    )


def test_every_translation_is_the_one_shown_at_run_time():
    """Also catches a project string shadowed by Django's or a third-party app's catalogue."""
    wrong = []
    with translation.override("ja"):
        for app, entry in _entries():
            if entry.msgid_plural:
                continue
            if entry.msgctxt:
                shown = translation.pgettext(entry.msgctxt, entry.msgid)
            else:
                shown = translation.gettext(entry.msgid)
            if shown != entry.msgstr:
                wrong.append((app, entry.msgctxt, entry.msgid, entry.msgstr, shown))
    assert not wrong, f"{len(wrong)} strings show another translation at run time: {wrong[:10]}"


@pytest.mark.parametrize(("context", "msgid", "japanese"), [
    ("review tag", "Kind", "親切"),
    (None, "Kind", "種類"),
    (None, "Why", "理由"),
    ("access purpose", "Why", "目的"),
    (None, "What", "内容"),
    ("change history", "What", "操作"),
])
def test_words_from_the_defect_report_read_as_meant(context, msgid, japanese):
    with translation.override("ja"):
        shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    assert shown == japanese
