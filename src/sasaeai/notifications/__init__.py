"""Notifications (通知). Other apps call `notify(user, kind, context, channel=None)`."""


def notify(user, kind: str, context: dict, channel: str | None = None):
    """Record a Notification and enqueue its delivery (a django-tasks task); never sends inline.
    See `sasaeai.notifications.services.notify`."""
    from .services import notify as _notify

    return _notify(user, kind, context, channel)


__all__ = ["notify"]
