"""Monitor of the worklife app, run by `sasaeai run_monitors`: overdue checklist duties."""

from .services import remind_overdue


def run(now) -> dict[str, int]:
    return {"worklife_checklist_reminders": remind_overdue(now)}
