"""`sasaeai import_hsds PATH --municipality CODE [--skip-invalid]`: any HSDS 3.0 — the CSV datapackage,
per-object JSON, the API's pages (`contents`) or one `*_full` document; a folder, a zip or one .json file."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sasaeai.directory import hsds
from sasaeai.tenancy.models import Municipality


class Command(BaseCommand):
    help = ("Read Open Referral HSDS 3.0 (CSV datapackage, per-object JSON, API pages or *_full documents) into a "
            "municipality. Every row is checked against the schema; when any row fails nothing is written, unless "
            "--skip-invalid. Records without a Sasaeai category or area, or outside the municipality, are imported "
            "as drafts flagged for the coordinators' review.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--municipality", required=True)
        parser.add_argument("--skip-invalid", action="store_true")

    def handle(self, *args, **opts):
        municipality = Municipality.objects.filter(code=opts["municipality"]).first()
        if municipality is None:
            raise CommandError(f"No municipality with code {opts['municipality']}.")
        try:
            docs, errors, source = hsds.read_path(Path(opts["path"]))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        result = hsds.import_docs(municipality, docs, skip_invalid=opts["skip_invalid"], prior_errors=errors,
                                  source=source)
        for error in result.errors:
            self.stderr.write(str(error))
        if not result.written:
            raise CommandError(f"{len(result.errors)} errors; nothing was written.")
        self.stdout.write(f"created {result.created}, updated {result.updated}, skipped {result.skipped}")
