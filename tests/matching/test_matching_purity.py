"""The engine is free of Django: importable with no settings, imports no django module."""

import os
import pathlib
import subprocess
import sys

import sasaeai.matching

PACKAGE = pathlib.Path(sasaeai.matching.__file__).parent


def test_import_without_django_settings_loads_no_django_module():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import sys\n"
        "import sasaeai.matching, sasaeai.matching.bench, sasaeai.matching.synth\n"
        "import sasaeai.matching.factories\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not bad, bad\n"
        "from sasaeai.matching.factories import make_helper, make_task\n"
        "from sasaeai.matching import assign_batch\n"
        "assert assign_batch([make_task()], [make_helper()], time_limit_s=2).served == 1\n"
        "print('ok')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_no_django_import_statement_in_sources():
    for path in PACKAGE.rglob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            assert not stripped.startswith(("import django", "from django")), (path, line)
