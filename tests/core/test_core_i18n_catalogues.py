"""Every user-visible string has a Japanese translation: for each app, regenerate its catalogue
from the source (into a temporary copy) and fail on any untranslated or fuzzy entry."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import sasaeai

PACKAGE = Path(sasaeai.__file__).parent
APPS = sorted(p.parent.name for p in PACKAGE.glob("*/apps.py"))


@pytest.mark.parametrize("app", APPS)
def test_japanese_catalogue_is_complete(app, tmp_path):
    copy = tmp_path / app
    shutil.copytree(PACKAGE / app, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    (copy / "locale").mkdir(exist_ok=True)
    # The console script, not `python -m`: the cwd must not shadow stdlib modules (selectors.py).
    result = subprocess.run(
        [str(Path(sys.executable).parent / "sasaeai"), "makemessages", "-l", "ja", "--ignore", "migrations/*", "-v0"],
        cwd=copy, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    po_path = copy / "locale" / "ja" / "LC_MESSAGES" / "django.po"
    if not po_path.exists():
        return  # the app has no translatable strings
    catalogue = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    assert not untranslated, f"{app}: add Japanese for {untranslated[:10]} (+{max(0, len(untranslated) - 10)})"
    assert not fuzzy, f"{app}: review fuzzy entries {fuzzy[:10]}"
    assert (PACKAGE / app / "locale" / "ja" / "LC_MESSAGES" / "django.po").exists()
