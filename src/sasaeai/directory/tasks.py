"""Background work of the directory: large uploads (run the worker with `sasaeai db_worker`)."""

from django_tasks import task


@task()
def run_import_job(job_id: int) -> str:
    """Import one stored upload (`ImportJob`), recording progress on the job."""
    from .imports import run_job

    return run_job(job_id)
