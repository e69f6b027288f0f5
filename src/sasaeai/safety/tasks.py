"""Background work of the safety app (django-tasks)."""

from django.utils import timezone
from django_tasks import task


def run_monitors_now(now=None) -> dict[str, int]:
    from .emergency import run_escalations
    from .monitoring import scan_visits

    now = now or timezone.now()
    result = {"escalated": run_escalations(now)}
    result.update(scan_visits(now))
    # Other apps' scheduled work (`<app>/monitors.py` with `run(now) -> dict`), e.g. points expiry.
    from sasaeai.core.plugins import project_modules

    for _name, module in project_modules("monitors"):
        if hasattr(module, "run"):
            result.update(module.run(now))
    return result


@task()
def run_monitors() -> dict[str, int]:
    """Enqueue from a scheduler; the worker runs the same code as the command."""
    return run_monitors_now()
