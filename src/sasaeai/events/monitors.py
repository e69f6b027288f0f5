"""Scheduled work of the events app, run by `sasaeai run_monitors` (and so by `serve_all`):
the expiry of waiting-list offers and the day-before reminders (`services.run_monitors`)."""


def run(now) -> dict[str, int]:
    from . import services

    return {f"events_{key}": value for key, value in services.run_monitors(now).items()}
