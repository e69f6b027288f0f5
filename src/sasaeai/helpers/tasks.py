"""Background jobs of the helpers app (run by `sasaeai db_worker`)."""

from django_tasks import task


@task()
def expire_qualifications() -> int:
    """Mark verified qualifications past their expiry date as expired and tell their holders."""
    from .services import expire_qualifications as run

    return run()
