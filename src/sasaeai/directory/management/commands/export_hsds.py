"""`sasaeai export_hsds --municipality CODE --out DIR [--format json|csv]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sasaeai.directory import hsds
from sasaeai.tenancy.models import Municipality


class Command(BaseCommand):
    help = ("Write the municipality's resources as Open Referral HSDS 3.0: JSON (one file per object type) "
            "or the tabular datapackage (CSV). Only published public resources unless --include-restricted.")

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="local government code (6 digits)")
        parser.add_argument("--out", required=True, help="output folder")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument("--include-restricted", action="store_true",
                            help="also professionals-only, private, draft and archived resources (for backups)")

    def handle(self, *args, **opts):
        municipality = Municipality.objects.filter(code=opts["municipality"]).first()
        if municipality is None:
            raise CommandError(f"No municipality with code {opts['municipality']}.")
        docs = hsds.export_docs(municipality, include_restricted=opts["include_restricted"])
        invalid = [(d["id"], p, m) for d in docs["services"] for p, m in hsds.schema_errors(d)]
        if invalid:
            for sid, path, message in invalid[:20]:
                self.stderr.write(f"service {sid} {path}: {message}")
            raise CommandError(f"{len(invalid)} schema problems; nothing written.")
        out = Path(opts["out"])
        written = hsds.write_json(docs, out) if opts["format"] == "json" else hsds.write_csv(docs, out)
        self.stdout.write(f"{len(docs['services'])} services, {len(docs['organizations'])} organizations, "
                          f"{len(docs['locations'])} locations → {len(written)} files in {out}")
