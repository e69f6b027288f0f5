"""Uploads on the exchange page: read within the limits, import small files at once and large
ones in the task worker (an `ImportJob` with progress), never leaving files behind."""

from __future__ import annotations

import csv
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sasaeai.core import spreadsheets

from . import hsds, template
from .models import ImportJob

logger = logging.getLogger("sasaeai.directory")

#: Uploads above either figure are imported by the task worker, not inside the web request.
BACKGROUND_ROWS = 2000
BACKGROUND_BYTES = 2 * 1024 * 1024


def read_hsds(data: bytes):
    """(docs, errors, source) of an HSDS zip; checked and unpacked into a temporary folder."""
    with spreadsheets.extract_zip(data, prefix="hsds-up-", what="HSDS") as folder:
        try:
            return hsds.read_path(folder)
        except csv.Error:
            raise ValidationError(spreadsheets.cell_too_long_message(), code="cell_too_long") from None


def read(kind: str, data: bytes, filename: str, encoding: str = "auto"):
    """(payload, errors, count): the rows of a template or the HSDS documents, read within the limits."""
    if kind == ImportJob.Kind.TEMPLATE:
        rows, errors = template.read_rows(data, filename, encoding)
        return rows, errors, len(rows)
    docs, errors, source = read_hsds(data)
    return (docs, source), errors, len(docs.get("services", []))


def needs_background(data: bytes, count: int) -> bool:
    return len(data) > BACKGROUND_BYTES or count > BACKGROUND_ROWS


def run(kind: str, municipality, payload, errors, *, by, skip_invalid: bool, progress=None):
    if kind == ImportJob.Kind.TEMPLATE:
        return template.import_rows(municipality, payload, by=by, skip_invalid=skip_invalid, prior_errors=errors,
                                    progress=progress)
    docs, source = payload
    return hsds.import_docs(municipality, docs, skip_invalid=skip_invalid, by=by, prior_errors=errors, source=source)


@transaction.atomic
def start_job(*, municipality, by, kind: str, filename: str, data: bytes, encoding: str = "auto",
              skip_invalid: bool = False, count: int = 0) -> ImportJob:
    """Store the upload and hand it to the task worker."""
    from .tasks import run_import_job

    job = ImportJob.objects.create(municipality=municipality, created_by=by, kind=kind, filename=filename[:200],
                                   encoding=encoding, skip_invalid=skip_invalid, data=data, rows_total=count)
    # With the database task backend the task row is written in this same transaction.
    run_import_job.enqueue(job.pk)
    return job


def _update(job_id: int, **fields) -> None:
    ImportJob.objects.filter(pk=job_id).update(**fields)


def run_job(job_id: int) -> str:
    """Import one stored upload (the task body). Progress is committed as it goes; the file is
    emptied at the end whatever happens."""
    job = ImportJob.objects.select_related("municipality", "created_by").filter(pk=job_id).first()
    if job is None or job.state != ImportJob.State.QUEUED:
        return "missing" if job is None else job.state
    language = getattr(job.created_by, "preferred_language", "") or settings.LANGUAGE_CODE
    _update(job.pk, state=ImportJob.State.CHECKING)
    with translation.override(language):
        try:
            payload, errors, count = read(job.kind, bytes(job.data), job.filename, job.encoding)
            _update(job.pk, rows_total=count)

            def progress(done: int, phase: str) -> None:
                _update(job.pk, rows_done=done,
                        state=ImportJob.State.SAVING if phase == "saving" else ImportJob.State.CHECKING)

            if job.kind == ImportJob.Kind.HSDS:
                progress(count, "saving")
            result = run(job.kind, job.municipality, payload, errors, by=job.created_by,
                         skip_invalid=job.skip_invalid, progress=progress)
        except ValidationError as exc:
            state, fields = ImportJob.State.REFUSED, {"message": " ".join(exc.messages)[:300]}
        except Exception as exc:  # noqa: BLE001 - recorded on the job; ids and type names only in the log
            logger.warning("import job %s failed: %s", job.pk, type(exc).__name__)
            state, fields = ImportJob.State.FAILED, {
                "message": _("The import stopped because of an unexpected error. Nothing was saved; "
                             "please try again or contact the administrator.")}
        else:
            state = ImportJob.State.DONE if result.written else ImportJob.State.REFUSED
            fields = {"created": result.created, "updated": result.updated, "skipped": result.skipped,
                      "rows_done": count, "errors": [{"row": e.row, "column": e.column, "reason": str(e.reason),
                                                      "file": e.file} for e in result.errors[:1000]]}
            if not result.written:
                fields["message"] = _("Nothing was imported: please correct the rows below and try again.")
    _update(job.pk, state=state, data=b"", finished_at=timezone.now(), **fields)
    logger.info("import job %s: %s", job.pk, state)
    return state
