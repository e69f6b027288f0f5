"""`sasaeai build_printouts [--municipality CODE]`: precompute the cached booklet and weekly
calendar PDFs (whole town and each layer-2 area) for the current data version, so the first
visitor after a change or a deploy gets them at once. Already cached ones are kept."""

from django.core.management.base import BaseCommand
from django.utils import translation

from sasaeai.directory import paper, printouts
from sasaeai.tenancy.models import Area, Municipality


class Command(BaseCommand):
    help = "Precompute the cached booklet and calendar PDFs for every municipality (or one) and its areas."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", help="local government code (default: all)")
        parser.add_argument("--language", default="ja")

    def handle(self, *args, **opts):
        municipalities = Municipality.objects.order_by("code")
        if opts["municipality"]:
            municipalities = municipalities.filter(code=opts["municipality"])
        built = kept = 0
        with translation.override(opts["language"]):
            for m in municipalities:
                areas = [None, *Area.objects.filter(municipality=m, layer=Area.Layer.DAILY_LIFE).order_by("name")]
                for area in areas:
                    for kind, build in (("booklet", paper.booklet), ("calendar", paper.weekly_calendar)):
                        _data, hit = printouts.get_or_build(kind, m, area, None,
                                                            lambda build=build, m=m, area=area: build(m, area=area))
                        built += not hit
                        kept += hit
        self.stdout.write(f"printouts: {built} built, {kept} already cached")
