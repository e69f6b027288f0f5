"""Monitor of the cases app, run by `sasaeai run_monitors` (safety/tasks.py finds every
`<app>/monitors.py` and calls `run(now)`)."""

from .services import escalate_unanswered


def run(now) -> dict[str, int]:
    return {"referrals_escalated": escalate_unanswered(now)}
